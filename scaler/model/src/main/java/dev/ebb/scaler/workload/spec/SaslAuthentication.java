package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** {@code spec.kafka.authentication.sasl}: a username and a password kept in a Secret of the workload's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SaslAuthentication {

    @Required
    @Pattern("^(PLAIN|SCRAM-SHA-256|SCRAM-SHA-512)$")
    @JsonPropertyDescription("PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.")
    private String mechanism;

    @Required
    @JsonPropertyDescription("Secret holding the password (and the username, unless username is given).")
    private SecretRefSpec secretRef;

    @JsonPropertyDescription("The username itself, when the Secret does not hold it (a Strimzi KafkaUser SCRAM "
            + "Secret holds only the password; the username is the KafkaUser's name).")
    private String username;

    @Default("username")
    @JsonPropertyDescription("Key of the username in the Secret, when username is not given.")
    private String usernameKey;

    @Default("password")
    @JsonPropertyDescription("Key of the password in the Secret.")
    private String passwordKey;

    public String getMechanism() {
        return mechanism;
    }

    public void setMechanism(String mechanism) {
        this.mechanism = mechanism;
    }

    public SecretRefSpec getSecretRef() {
        return secretRef;
    }

    public void setSecretRef(SecretRefSpec secretRef) {
        this.secretRef = secretRef;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getUsernameKey() {
        return usernameKey;
    }

    public void setUsernameKey(String usernameKey) {
        this.usernameKey = usernameKey;
    }

    public String getPasswordKey() {
        return passwordKey;
    }

    public void setPasswordKey(String passwordKey) {
        this.passwordKey = passwordKey;
    }
}
