package dev.topiary.activations;

/** The kinds of activation site inside one decoder layer. */
public enum SiteKind {
    /** The residual stream entering the layer, [B, T, D]. */
    RESID_PRE("hook_resid_pre"),
    /**
     * The attention block's contribution to the residual stream: o_proj's output, after post_attention_layernorm in
     * Gemma 2, [B, T, D].
     */
    ATTN_OUT("hook_attn_out"),
    /** MLP neurons: {@code act(gate_proj(x)) * up_proj(x)}, the input of down_proj, [B, T, F]. */
    MLP_POST("mlp.hook_post"),
    /** The residual stream leaving the layer, [B, T, D]. */
    RESID_POST("hook_resid_post");

    private final String hookName;

    SiteKind(String hookName) {
        this.hookName = hookName;
    }

    /** Returns the hook part of a site id, such as {@code mlp.hook_post}. */
    public String hookName() {
        return hookName;
    }
}
