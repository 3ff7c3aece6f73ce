/**
 * Tokenizers: Hugging Face {@code tokenizer.json} files through DJL's bindings, and llama2.c
 * {@code tokenizer.bin} files through a SentencePiece-style BPE of our own, plus the conversion of the
 * latter to the former.
 */
package dev.topiary.model.tokenizer;
