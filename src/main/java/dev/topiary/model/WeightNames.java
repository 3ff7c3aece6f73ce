package dev.topiary.model;

/**
 * Hugging Face tensor names of the Llama decoder, shared by every supported architecture, and the extra names of
 * Qwen3 (q_norm, k_norm), Gemma 2 (feed-forward norms) and Phi-3 (fused projections).
 */
public final class WeightNames {

    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private WeightNames() {}

    /** Returns the name of a tensor inside decoder layer {@code layer}, for example {@code self_attn.q_proj.weight}. */
    public static String layer(int layer, String suffix) {
        return "model.layers." + layer + "." + suffix;
    }

    public static final String INPUT_NORM = "input_layernorm.weight";
    public static final String POST_ATTENTION_NORM = "post_attention_layernorm.weight";
    public static final String Q_PROJ = "self_attn.q_proj.weight";
    public static final String K_PROJ = "self_attn.k_proj.weight";
    public static final String V_PROJ = "self_attn.v_proj.weight";
    public static final String O_PROJ = "self_attn.o_proj.weight";
    public static final String Q_BIAS = "self_attn.q_proj.bias";
    public static final String K_BIAS = "self_attn.k_proj.bias";
    public static final String V_BIAS = "self_attn.v_proj.bias";
    public static final String O_BIAS = "self_attn.o_proj.bias";
    public static final String GATE_PROJ = "mlp.gate_proj.weight";
    public static final String UP_PROJ = "mlp.up_proj.weight";
    public static final String DOWN_PROJ = "mlp.down_proj.weight";

    /** Qwen3's RMSNorm over each query head, [Dh]. */
    public static final String Q_NORM = "self_attn.q_norm.weight";
    /** Qwen3's RMSNorm over each key head, [Dh]. */
    public static final String K_NORM = "self_attn.k_norm.weight";
    /** Gemma 2's norm of the MLP input; its post_attention_layernorm normalises the attention output instead. */
    public static final String PRE_FEEDFORWARD_NORM = "pre_feedforward_layernorm.weight";
    /** Gemma 2's norm of the MLP output, before the residual add. */
    public static final String POST_FEEDFORWARD_NORM = "post_feedforward_layernorm.weight";
    /** Phi-3's q_proj, k_proj and v_proj rows in one tensor, [(H + 2 Hkv) Dh, D]. */
    public static final String QKV_PROJ = "self_attn.qkv_proj.weight";
    /** Phi-3's gate_proj and up_proj rows in one tensor, [2F, D]. */
    public static final String GATE_UP_PROJ = "mlp.gate_up_proj.weight";
}
