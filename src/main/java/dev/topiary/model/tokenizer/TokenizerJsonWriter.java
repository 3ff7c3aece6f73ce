package dev.topiary.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a llama2.c SentencePiece tokenizer to a Hugging Face {@code tokenizer.json} in the layout
 * {@code transformers} uses for Llama 2: a BPE model with byte fallback, a normalizer that prepends "▁" and
 * turns spaces into "▁", BOS added by the post-processor, and a decoder that undoes all of it.
 *
 * <p>SentencePiece merges by the score of the merged piece, while Hugging Face BPE merges by the rank of a
 * pair. The merge list therefore names, for every piece from the highest score down, each way to split it
 * into two vocabulary pieces. The one difference left: when two splits of the same piece are adjacent at
 * once, SentencePiece merges the leftmost and the rank list merges the lower-ranked split. The round-trip
 * tests over varied prompts meet no such case.
 */
public final class TokenizerJsonWriter {

    private static final String SPACE_MARK = "\u2581";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TokenizerJsonWriter() {}

    /** Writes tokenizer.json, and the tokenizer_config.json that {@code transformers} reads beside it. */
    public static void write(SentencePieceBpeTokenizer tokenizer, Path tokenizerJson, Path tokenizerConfig,
            int maxLength) throws IOException {
        JSON.writeValue(tokenizerJson.toFile(), tokenizerJson(tokenizer));
        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "LlamaTokenizerFast");
        config.put("bos_token", "<s>");
        config.put("eos_token", "</s>");
        config.put("unk_token", "<unk>");
        config.put("add_bos_token", true);
        config.put("add_eos_token", false);
        config.put("clean_up_tokenization_spaces", false);
        config.put("model_max_length", maxLength);
        JSON.writeValue(tokenizerConfig.toFile(), config);
    }

    static ObjectNode tokenizerJson(SentencePieceBpeTokenizer tokenizer) {
        int vocabSize = tokenizer.vocabSize();
        String[] pieces = new String[vocabSize];
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < vocabSize; id++) {
            pieces[id] = hfPiece(tokenizer, id);
            ids.putIfAbsent(pieces[id], id);
        }

        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id : new int[] {SentencePieceBpeTokenizer.UNK_ID, SentencePieceBpeTokenizer.BOS_ID,
                SentencePieceBpeTokenizer.EOS_ID}) {
            ObjectNode token = added.addObject();
            token.put("id", id);
            token.put("content", pieces[id]);
            token.put("single_word", false);
            token.put("lstrip", false);
            token.put("rstrip", false);
            token.put("normalized", false);
            token.put("special", true);
        }

        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode normalizers = normalizer.putArray("normalizers");
        normalizers.addObject().put("type", "Prepend").put("prepend", SPACE_MARK);
        ObjectNode replace = normalizers.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", SPACE_MARK);
        root.putNull("pre_tokenizer");

        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = post.putObject("special_tokens").putObject("<s>");
        bos.put("id", "<s>");
        bos.putArray("ids").add(SentencePieceBpeTokenizer.BOS_ID);
        bos.putArray("tokens").add("<s>");

        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        ObjectNode spaces = decoders.addObject().put("type", "Replace");
        spaces.putObject("pattern").put("String", SPACE_MARK);
        spaces.put("content", " ");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);

        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < vocabSize; id++) {
            vocab.put(pieces[id], id);
        }
        ArrayNode merges = model.putArray("merges");
        for (String merge : merges(tokenizer, pieces, ids)) {
            merges.add(merge);
        }
        return root;
    }

    private static String hfPiece(SentencePieceBpeTokenizer tokenizer, int id) {
        return switch (id) {
            case SentencePieceBpeTokenizer.UNK_ID -> "<unk>";
            case SentencePieceBpeTokenizer.BOS_ID -> "<s>";
            case SentencePieceBpeTokenizer.EOS_ID -> "</s>";
            default -> tokenizer.piece(id).replace(" ", SPACE_MARK);
        };
    }

    private static List<String> merges(SentencePieceBpeTokenizer tokenizer, String[] pieces, Map<String, Integer> ids) {
        record Merge(String left, String right, float score, int id, int split) {}
        List<Merge> merges = new ArrayList<>();
        for (int id = SentencePieceBpeTokenizer.BYTE_OFFSET + 256; id < pieces.length; id++) {
            String piece = pieces[id];
            int[] codePoints = piece.codePoints().toArray();
            for (int split = 1; split < codePoints.length; split++) {
                String left = new String(codePoints, 0, split);
                String right = new String(codePoints, split, codePoints.length - split);
                if (ids.containsKey(left) && ids.containsKey(right)) {
                    merges.add(new Merge(left, right, tokenizer.score(id), id, split));
                }
            }
        }
        merges.sort(Comparator.comparingDouble((Merge m) -> -m.score()).thenComparingInt(Merge::id)
                .thenComparingInt(Merge::split));
        return merges.stream().map(m -> m.left() + " " + m.right()).toList();
    }
}
