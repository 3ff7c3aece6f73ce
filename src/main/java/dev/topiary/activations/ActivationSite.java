package dev.topiary.activations;

/**
 * One place in the model where activations are read: a decoder layer and a site kind.
 *
 * @param layer the decoder layer, from 0
 * @param kind what is read there
 */
public record ActivationSite(int layer, SiteKind kind) {

    /** Returns the stable dotted id, such as {@code blocks.3.mlp.hook_post}. */
    public String id() {
        return "blocks." + layer + "." + kind.hookName();
    }

    @Override
    public String toString() {
        return id();
    }
}
