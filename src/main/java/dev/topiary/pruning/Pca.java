package dev.topiary.pruning;

/**
 * Principal component projection of a few points in a high-dimensional space. With N points of dimension F and
 * N much smaller than F, the components come from the N x N Gram matrix of the centred points, found by power
 * iteration with deflation.
 */
final class Pca {

    private static final int ITERATIONS = 200;

    private Pca() {}

    /** Returns the coordinates [N][components] of the points on their first principal components. */
    static float[][] project(float[][] points, int components) {
        int count = points.length;
        float[][] result = new float[count][components];
        if (count < 2) {
            return result;
        }
        int dimension = points[0].length;

        // Centre the points, then build the Gram matrix G = X X^T.
        double[] centre = new double[dimension];
        for (float[] point : points) {
            for (int d = 0; d < dimension; d++) {
                centre[d] += point[d] / (double) count;
            }
        }
        double[][] gram = new double[count][count];
        for (int i = 0; i < count; i++) {
            for (int j = i; j < count; j++) {
                double dot = 0;
                for (int d = 0; d < dimension; d++) {
                    dot += (points[i][d] - centre[d]) * (points[j][d] - centre[d]);
                }
                gram[i][j] = dot;
                gram[j][i] = dot;
            }
        }

        // Each eigenvector v of G with eigenvalue s gives coordinates v * sqrt(s) on one component.
        for (int component = 0; component < Math.min(components, count); component++) {
            double[] vector = new double[count];
            for (int i = 0; i < count; i++) {
                vector[i] = 1.0 + i * 1e-3; // not orthogonal to the leading eigenvector
            }
            double value = 0;
            for (int iteration = 0; iteration < ITERATIONS; iteration++) {
                double[] next = multiply(gram, vector);
                value = norm(next);
                if (value == 0) {
                    break;
                }
                for (int i = 0; i < count; i++) {
                    vector[i] = next[i] / value;
                }
            }
            for (int i = 0; i < count; i++) {
                result[i][component] = (float) (vector[i] * Math.sqrt(Math.max(0, value)));
            }
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < count; j++) {
                    gram[i][j] -= value * vector[i] * vector[j];
                }
            }
        }
        return result;
    }

    private static double[] multiply(double[][] matrix, double[] vector) {
        double[] result = new double[vector.length];
        for (int i = 0; i < vector.length; i++) {
            for (int j = 0; j < vector.length; j++) {
                result[i] += matrix[i][j] * vector[j];
            }
        }
        return result;
    }

    private static double norm(double[] vector) {
        double sum = 0;
        for (double value : vector) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }
}
