/**
 * Hugging Face model folders: {@code config.json}, {@code generation_config.json}, single or sharded
 * safetensors weights and {@code tokenizer.json}.
 */
package dev.topiary.model.hf;
