package dev.ebb.function.spring;

import dev.ebb.function.Codec;
import dev.ebb.function.Codecs;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.RecordFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.ResolvableType;

/**
 * Finds the bean to run and turns it into an {@link EbbFunction}, Spring Cloud Function style: a
 * {@code Function<I, O>} or {@code Consumer<I>} bean is enough. Codecs come from {@code ebb.function.codec.*} or,
 * when unset, from the bean's declared generic types.
 */
final class FunctionBeans {
  static final String INPUT_CODEC = EbbFunctionProperties.PREFIX + ".codec.input";
  static final String OUTPUT_CODEC = EbbFunctionProperties.PREFIX + ".codec.output";
  static final String DEFINITION = EbbFunctionProperties.PREFIX + ".definition";
  private static final List<Class<?>> KINDS = List.of(EbbFunction.class, RecordFunction.class, Function.class,
      Consumer.class);

  /** The function to run and where it came from. */
  record Resolved(String beanName, String kind, EbbFunction<?, ?> function) {}

  private FunctionBeans() {}

  static Resolved resolve(ConfigurableListableBeanFactory beans, EbbFunctionProperties props) {
    String name = chooseBean(beans, props.getDefinition());
    Object bean = beans.getBean(name);
    ResolvableType declared = declaredType(beans, name, bean);
    List<String> problems = new ArrayList<>();
    Resolved resolved = adapt(name, bean, declared, props, problems);
    if (!problems.isEmpty()) {
      throw new EbbFunctionConfigurationException(problems);
    }
    return resolved;
  }

  private static String chooseBean(ConfigurableListableBeanFactory beans, String definition) {
    if (definition != null && !definition.isBlank()) {
      String name = definition.trim();
      if (!beans.containsBean(name)) {
        throw new EbbFunctionConfigurationException(List.of("Invalid value " + name + " for " + DEFINITION
            + ": no bean of that name; candidates: " + candidates(beans)));
      }
      Class<?> type = beans.getType(name);
      if (type != null && KINDS.stream().noneMatch(k -> k.isAssignableFrom(type))) {
        throw new EbbFunctionConfigurationException(List.of("Invalid value " + name + " for " + DEFINITION
            + ": the bean is a " + type.getName() + ", must be a Function, Consumer, RecordFunction or EbbFunction"));
      }
      return name;
    }
    String[] ebbFunctions = beans.getBeanNamesForType(EbbFunction.class, true, false);
    if (ebbFunctions.length == 1) {
      return ebbFunctions[0];
    }
    Set<String> all = candidates(beans);
    if (all.size() == 1 && ebbFunctions.length == 0) {
      return all.iterator().next();
    }
    if (all.isEmpty()) {
      throw new EbbFunctionConfigurationException(List.of("Missing function bean: declare one bean of type"
          + " java.util.function.Function, java.util.function.Consumer, dev.ebb.function.RecordFunction or"
          + " dev.ebb.function.EbbFunction, or set " + EbbFunctionProperties.PREFIX + ".enabled=false"));
    }
    throw new EbbFunctionConfigurationException(List.of("Missing " + DEFINITION + ": " + all.size()
        + " beans could be the function " + all + "; name the one to run"));
  }

  private static Set<String> candidates(ConfigurableListableBeanFactory beans) {
    Set<String> names = new LinkedHashSet<>();
    for (Class<?> kind : KINDS) {
      names.addAll(Arrays.asList(beans.getBeanNamesForType(kind, true, false)));
    }
    return names;
  }

  private static ResolvableType declaredType(ConfigurableListableBeanFactory beans, String name, Object bean) {
    try {
      ResolvableType t = beans.getMergedBeanDefinition(name).getResolvableType();
      if (t.resolve() != null && t.resolve().isInstance(bean)) {
        return t;
      }
    } catch (NoSuchBeanDefinitionException registeredSingleton) {
      // No definition (a singleton registered directly): only its class is known.
    }
    return ResolvableType.forClass(bean.getClass());
  }

  @SuppressWarnings("unchecked")
  static Resolved adapt(String name, Object bean, ResolvableType declared, EbbFunctionProperties props,
                        List<String> problems) {
    CodecKind in = props.getCodec().getInput();
    CodecKind out = props.getCodec().getOutput();
    if (bean instanceof EbbFunction<?, ?> f) {
      if (in != null) {
        problems.add("Invalid value " + in.settingValue() + " for " + INPUT_CODEC + ": bean '" + name
            + "' is an EbbFunction and brings its own codecs");
      }
      if (out != null) {
        problems.add("Invalid value " + out.settingValue() + " for " + OUTPUT_CODEC + ": bean '" + name
            + "' is an EbbFunction and brings its own codecs");
      }
      return new Resolved(name, "EbbFunction", f);
    }
    if (bean instanceof RecordFunction<?, ?> f) {
      ResolvableType t = declared.as(RecordFunction.class);
      Codec<Object> inCodec = inputCodec(name, in, t.getGeneric(0).resolve(), problems);
      Codec<Object> outCodec = outputCodec(name, out, t.getGeneric(1).resolve(), problems);
      return new Resolved(name, "RecordFunction", EbbFunction.of(inCodec, outCodec, (RecordFunction<Object, Object>) f));
    }
    if (bean instanceof Function<?, ?> f) {
      ResolvableType t = declared.as(Function.class);
      Function<Object, Object> fn = (Function<Object, Object>) f;
      Codec<Object> inCodec = inputCodec(name, in, t.getGeneric(0).resolve(), problems);
      Codec<Object> outCodec = outputCodec(name, out, t.getGeneric(1).resolve(), problems);
      return new Resolved(name, "Function", EbbFunction.of(inCodec, outCodec, r -> fn.apply(r.value())));
    }
    if (bean instanceof Consumer<?> c) {
      ResolvableType t = declared.as(Consumer.class);
      Consumer<Object> consumer = (Consumer<Object>) c;
      Codec<Object> inCodec = inputCodec(name, in, t.getGeneric(0).resolve(), problems);
      if (out != null) {
        problems.add("Invalid value " + out.settingValue() + " for " + OUTPUT_CODEC + ": bean '" + name
            + "' is a Consumer and produces no output");
      }
      if (props.getOutputTopic() != null && !props.getOutputTopic().isBlank()) {
        problems.add("Invalid value " + props.getOutputTopic() + " for " + EbbFunctionProperties.PREFIX
            + ".output-topic: bean '" + name + "' is a Consumer and produces no output");
      }
      Codec<Object> none = (Codec<Object>) (Codec<?>) Codecs.bytes();
      return new Resolved(name, "Consumer", EbbFunction.of(inCodec, none, r -> {
        consumer.accept(r.value());
        return null;
      }));
    }
    throw new EbbFunctionConfigurationException(List.of("Invalid value " + name + " for " + DEFINITION
        + ": the bean is a " + bean.getClass().getName()
        + ", must be a Function, Consumer, RecordFunction or EbbFunction"));
  }

  private static Codec<Object> inputCodec(String bean, CodecKind configured, Class<?> type, List<String> problems) {
    CodecKind kind = configured != null ? configured : CodecKind.inferFor(type);
    if (!kind.decodesTo(type)) {
      problems.add(configured != null
          ? "Invalid value " + kind.settingValue() + " for " + INPUT_CODEC + ": bean '" + bean + "' takes "
              + type.getName() + ", which " + kind.settingValue() + " does not decode to (" + CODEC_TYPES + ")"
          : "Missing " + INPUT_CODEC + ": bean '" + bean + "' takes " + type.getName() + ", which no built-in codec"
              + " decodes to (" + CODEC_TYPES + "); declare an EbbFunction bean with Codecs.json(reader, writer)"
              + " for your own types");
    }
    return kind.codec();
  }

  private static Codec<Object> outputCodec(String bean, CodecKind configured, Class<?> type, List<String> problems) {
    CodecKind kind = configured != null ? configured : CodecKind.inferFor(type);
    if (!kind.encodes(type)) {
      problems.add("Invalid value " + kind.settingValue() + " for " + OUTPUT_CODEC + ": bean '" + bean
          + "' returns " + type.getName() + ", which " + kind.settingValue() + " does not encode (" + CODEC_TYPES
          + ")");
    }
    return kind.codec();
  }

  private static final String CODEC_TYPES = "string: String, bytes: byte[], json: Map, List, String, Long, Double,"
      + " Boolean";
}
