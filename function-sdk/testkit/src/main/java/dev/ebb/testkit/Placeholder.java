package dev.ebb.testkit; final class Placeholder {}
