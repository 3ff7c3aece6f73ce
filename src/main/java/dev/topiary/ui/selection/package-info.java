/**
 * The neuron selection shared by every tab: which MLP neurons the user has chosen, layer by layer, with undo
 * and redo, and the left-panel section that lists them. Later stages such as pruning act on this selection.
 */
package dev.topiary.ui.selection;
