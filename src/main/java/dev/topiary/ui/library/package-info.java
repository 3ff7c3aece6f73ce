/**
 * The model picker of the left panel: the models of the library (models.cfg, the Hugging Face cache and recent
 * models) with their size on disk and memory estimate, and the Hub download dialog.
 */
package dev.topiary.ui.library;
