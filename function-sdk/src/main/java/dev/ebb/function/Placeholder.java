package dev.ebb.function; final class Placeholder {}
