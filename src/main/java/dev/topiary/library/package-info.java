/**
 * The model library: named models from {@code models.cfg}, models in the local Hugging Face cache, recently
 * opened models, downloads from the Hugging Face Hub into that cache, and memory estimates that tell whether a
 * model fits before it is loaded.
 */
package dev.topiary.library;
