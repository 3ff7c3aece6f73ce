/**
 * llama2.c checkpoints: the legacy {@code .bin} layout of a 7-int header followed by float32 arrays, and its
 * {@code tokenizer.bin}.
 */
package dev.topiary.model.llama2c;
