package dev.ebb.bench; final class Placeholder {}
