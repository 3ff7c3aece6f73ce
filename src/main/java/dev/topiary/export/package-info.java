/**
 * Writing models as Hugging Face folders that {@code transformers} loads unchanged: config.json,
 * generation_config.json, safetensors weights and the tokenizer. Every export is written to a temporary
 * folder beside the target and moved into place at the end, so a failure leaves nothing half-written and
 * never touches an existing folder.
 */
package dev.topiary.export;
