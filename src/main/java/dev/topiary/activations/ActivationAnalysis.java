package dev.topiary.activations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.export.StagingFolder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The result of capturing activations over a prompt set: neuron statistics, layer statistics and top
 * examples, with what they were computed from.
 *
 * <p>Saved as a folder that other tools can read: {@code summary.json} (the info and per-layer figures),
 * {@code neurons.csv} (one row per layer and neuron with every {@link NeuronMetric}), {@code layers.csv} and
 * {@code top_examples.jsonl}. {@link #load} reads the same folder back.
 */
public record ActivationAnalysis(AnalysisInfo info, NeuronStatistics neurons, LayerStatistics layers,
        TopExamples topExamples) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINE = new ObjectMapper();
    static final String SUMMARY = "summary.json";
    static final String NEURONS = "neurons.csv";
    static final String LAYERS = "layers.csv";
    static final String TOP_EXAMPLES = "top_examples.jsonl";
    private static final int FORMAT_VERSION = 1;

    /** Writes the analysis to a new folder, through a temporary folder beside it, and returns the folder. */
    public Path save(Path folder) throws IOException {
        Path target = folder.toAbsolutePath().normalize();
        Path staging = StagingFolder.create(target);
        try {
            writeSummary(staging.resolve(SUMMARY));
            writeNeuronCsv(staging.resolve(NEURONS));
            writeLayerCsv(staging.resolve(LAYERS));
            writeTopExamples(staging.resolve(TOP_EXAMPLES));
            StagingFolder.moveIntoPlace(staging, target);
        } catch (IOException | RuntimeException e) {
            StagingFolder.delete(staging);
            throw e;
        }
        return target;
    }

    private void writeSummary(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "topiary-activation-analysis");
        root.put("version", FORMAT_VERSION);
        root.set("info", JSON.valueToTree(info));
        root.put("layers", neurons.layers());
        root.put("neurons_per_layer", neurons.neurons());
        ArrayNode perLayer = root.putArray("per_layer");
        for (int layer = 0; layer < layers.layers(); layer++) {
            ObjectNode row = perLayer.addObject();
            row.put("layer", layer);
            row.put("residual_norm", layers.residualNorm(layer));
            row.put("input_output_cosine", layers.inputOutputCosine(layer));
            row.put("block_influence", layers.blockInfluence(layer));
            row.put("mean_abs_activation", meanOverNeurons(NeuronMetric.MEAN_ABS, layer));
            row.put("fraction_active", meanOverNeurons(NeuronMetric.FRACTION_ACTIVE, layer));
        }
        JSON.writeValue(file.toFile(), root);
    }

    /** Returns the mean of a metric over the neurons of one layer. */
    public double meanOverNeurons(NeuronMetric metric, int layer) {
        double total = 0;
        for (int neuron = 0; neuron < neurons.neurons(); neuron++) {
            total += neurons.value(metric, layer, neuron);
        }
        return total / neurons.neurons();
    }

    /** Writes one row per layer and neuron with every metric, as in {@code neurons.csv}. */
    public void writeNeuronCsv(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("layer,neuron");
            for (NeuronMetric metric : NeuronMetric.values()) {
                out.write("," + metric.name().toLowerCase(Locale.ROOT));
            }
            out.write("\n");
            for (int layer = 0; layer < neurons.layers(); layer++) {
                for (int neuron = 0; neuron < neurons.neurons(); neuron++) {
                    StringBuilder row = new StringBuilder().append(layer).append(',').append(neuron);
                    for (NeuronMetric metric : NeuronMetric.values()) {
                        row.append(',').append(neurons.value(metric, layer, neuron));
                    }
                    out.write(row.append('\n').toString());
                }
            }
        }
    }

    /** Writes one row per layer with the residual-stream figures, as in {@code layers.csv}. */
    public void writeLayerCsv(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("layer,residual_norm,input_output_cosine,block_influence\n");
            for (int layer = 0; layer < layers.layers(); layer++) {
                out.write(layer + "," + layers.residualNorm(layer) + "," + layers.inputOutputCosine(layer) + ","
                        + layers.blockInfluence(layer) + "\n");
            }
        }
    }

    private void writeTopExamples(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int layer = 0; layer < topExamples.layers(); layer++) {
                for (int neuron = 0; neuron < topExamples.neurons(); neuron++) {
                    List<TopExample> examples = topExamples.of(layer, neuron);
                    for (int rank = 0; rank < examples.size(); rank++) {
                        TopExample example = examples.get(rank);
                        ObjectNode line = JSON_LINE.createObjectNode();
                        line.put("layer", layer);
                        line.put("neuron", neuron);
                        line.put("rank", rank);
                        line.put("value", example.value());
                        line.put("prompt", example.promptIndex());
                        line.put("position", example.position());
                        line.put("token", example.token());
                        line.put("context", example.context());
                        out.write(JSON_LINE.writeValueAsString(line));
                        out.write("\n");
                    }
                }
            }
        }
    }

    /** Reads an analysis folder written by {@link #save}. */
    public static ActivationAnalysis load(Path folder) throws IOException {
        Path summaryFile = folder.resolve(SUMMARY);
        if (!Files.isRegularFile(summaryFile)) {
            throw new IOException(folder + " contains no " + SUMMARY + "; choose a folder saved by Topiary's analysis.");
        }
        JsonNode summary = JSON.readTree(summaryFile.toFile());
        if (!"topiary-activation-analysis".equals(summary.path("format").asText())) {
            throw new IOException(summaryFile + " is not a Topiary activation analysis (no \"format\": "
                    + "\"topiary-activation-analysis\").");
        }
        if (summary.path("version").asInt() > FORMAT_VERSION) {
            throw new IOException(summaryFile + " was written by a newer Topiary (format version "
                    + summary.path("version").asInt() + "); update Topiary to read it.");
        }
        try {
            AnalysisInfo info = JSON.treeToValue(summary.get("info"), AnalysisInfo.class);
            int layerCount = summary.path("layers").asInt();
            int neuronCount = summary.path("neurons_per_layer").asInt();
            if (info == null || layerCount < 1 || neuronCount < 1) {
                throw new IOException(summaryFile + " has no valid \"info\", \"layers\" or \"neurons_per_layer\"; "
                        + "the analysis folder is damaged.");
            }
            NeuronStatistics neurons = readNeuronCsv(folder.resolve(NEURONS), info, layerCount, neuronCount);
            LayerStatistics layers = readLayers(summary, info, layerCount);
            TopExamples top = readTopExamples(folder.resolve(TOP_EXAMPLES), info, layerCount, neuronCount);
            return new ActivationAnalysis(info, neurons, layers, top);
        } catch (RuntimeException e) {
            // A hand-edited or truncated file: a number that does not parse, an index out of range.
            throw new IOException(folder + " is not a valid analysis folder (" + e + "); save the analysis again.", e);
        }
    }

    private static NeuronStatistics readNeuronCsv(Path file, AnalysisInfo info, int layerCount, int neuronCount)
            throws IOException {
        double[][] sum = new double[layerCount][neuronCount];
        double[][] sumAbs = new double[layerCount][neuronCount];
        double[][] sumSquares = new double[layerCount][neuronCount];
        float[][] max = new float[layerCount][neuronCount];
        long[][] active = new long[layerCount][neuronCount];
        long tokens = info.tokens();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() != 1 + (long) layerCount * neuronCount) {
            throw new IOException(file + " has " + (lines.size() - 1) + " rows but the summary declares "
                    + layerCount + " layers x " + neuronCount + " neurons; the analysis folder is damaged.");
        }
        for (int row = 1; row < lines.size(); row++) {
            String[] cells = lines.get(row).split(",");
            int layer = Integer.parseInt(cells[0]);
            int neuron = Integer.parseInt(cells[1]);
            // Columns follow NeuronMetric order: mean, mean_abs, std, max, fraction_active, l2.
            sum[layer][neuron] = Double.parseDouble(cells[2]) * tokens;
            sumAbs[layer][neuron] = Double.parseDouble(cells[3]) * tokens;
            max[layer][neuron] = Float.parseFloat(cells[5]);
            active[layer][neuron] = Math.round(Double.parseDouble(cells[6]) * tokens);
            double l2 = Double.parseDouble(cells[7]);
            sumSquares[layer][neuron] = l2 * l2;
        }
        return NeuronStatistics.restore(info.threshold(), tokens, sum, sumAbs, sumSquares, max, active);
    }

    private static LayerStatistics readLayers(JsonNode summary, AnalysisInfo info, int layerCount) {
        double[] norms = new double[layerCount];
        double[] cosines = new double[layerCount];
        for (JsonNode row : summary.path("per_layer")) {
            int layer = row.path("layer").asInt();
            norms[layer] = row.path("residual_norm").asDouble();
            cosines[layer] = row.path("input_output_cosine").asDouble();
        }
        return LayerStatistics.restore(info.tokens(), norms, cosines);
    }

    private static TopExamples readTopExamples(Path file, AnalysisInfo info, int layerCount, int neuronCount)
            throws IOException {
        TopExamples top = new TopExamples(layerCount, neuronCount, Math.max(1, info.topK()));
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.filter(line -> !line.isBlank()).forEach(line -> {
                try {
                    JsonNode node = JSON_LINE.readTree(line);
                    top.restore(node.path("layer").asInt(), node.path("neuron").asInt(), new TopExample(
                            (float) node.path("value").asDouble(), node.path("prompt").asInt(),
                            node.path("position").asInt(), node.path("token").asText(), node.path("context").asText()));
                } catch (IOException e) {
                    throw new UncheckedIOException(file + ": invalid line in the top examples", e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return top;
    }
}
