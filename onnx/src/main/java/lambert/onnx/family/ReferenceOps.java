package lambert.onnx.family;

import java.util.List;
import java.util.function.BiFunction;
import lambert.onnx.checkpoint.Tensor;

/**
 * The arithmetic of the reference forward passes, written as plain loops over one sequence with
 * double accumulation, independent of the graph code: rows are tokens, columns features.
 */
final class ReferenceOps {
    private ReferenceOps() {}

    /** {@code x W^T + b} with a PyTorch {@code [out, in]} weight; {@code bias} may be null. */
    static double[][] linear(double[][] x, Tensor weight, Tensor bias) {
        long[] shape = weight.shape();
        int out = (int) shape[0];
        int in = (int) shape[1];
        float[] w = weight.data();
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double sum = bias == null ? 0 : bias.data()[o];
                for (int i = 0; i < in; i++) {
                    sum += x[t][i] * w[o * in + i];
                }
                y[t][o] = sum;
            }
        }
        return y;
    }

    /** Layer normalisation of every row over its features. */
    static double[][] layerNorm(double[][] x, Tensor scale, Tensor bias, double eps) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            int n = x[t].length;
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= n;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= n;
            double inv = 1 / Math.sqrt(var + eps);
            y[t] = new double[n];
            for (int i = 0; i < n; i++) {
                y[t][i] = (x[t][i] - mean) * inv * scale.data()[i] + bias.data()[i];
            }
        }
        return y;
    }

    /** MobileBERT's NoNorm: {@code x * scale + bias}. */
    static double[][] noNorm(double[][] x, Tensor scale, Tensor bias) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            y[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                y[t][i] = x[t][i] * scale.data()[i] + bias.data()[i];
            }
        }
        return y;
    }

    /** Elementwise sum. */
    static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][];
        for (int t = 0; t < a.length; t++) {
            y[t] = new double[a[t].length];
            for (int i = 0; i < a[t].length; i++) {
                y[t][i] = a[t][i] + b[t][i];
            }
        }
        return y;
    }

    /** {@code table[ids[t]]} for every token. */
    static double[][] rows(Tensor table, long[] ids) {
        int width = (int) table.shape()[1];
        long count = table.shape()[0];
        double[][] y = new double[ids.length][width];
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] < 0 || ids[t] >= count) {
                throw new IllegalArgumentException("id " + ids[t] + " at position " + t + " is outside "
                        + table.name() + " (" + count + " rows)");
            }
            for (int i = 0; i < width; i++) {
                y[t][i] = table.data()[(int) ids[t] * width + i];
            }
        }
        return y;
    }

    /** The activation applied to every value. */
    static double[][] activate(double[][] x, Activation act) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            y[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                y[t][i] = activate(x[t][i], act);
            }
        }
        return y;
    }

    static double activate(double v, Activation act) {
        switch (act) {
            case RELU:
                return Math.max(0, v);
            case SILU:
                return v / (1 + Math.exp(-v));
            case GELU:
                return 0.5 * v * (1 + erf(v / Math.sqrt(2)));
            case GELU_TANH:
                return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            default:
                throw new IllegalStateException("unhandled activation " + act);
        }
    }

    /** {@code tanh} of every value. */
    static double[] tanh(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.tanh(x[i]);
        }
        return y;
    }

    /**
     * Multi-head self-attention over one unpadded sequence: {@code q}, {@code k}, {@code v} are the
     * projected rows {@code [sequence][heads * headSize]}; returns the context, same shape.
     */
    static double[][] attention(double[][] q, double[][] k, double[][] v, int heads, int headSize) {
        int n = q.length;
        double[][] context = new double[n][heads * headSize];
        double scale = Math.sqrt(headSize);
        for (int h = 0; h < heads; h++) {
            int off = h * headSize;
            for (int i = 0; i < n; i++) {
                double[] scores = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int d = 0; d < headSize; d++) {
                        dot += q[i][off + d] * k[j][off + d];
                    }
                    scores[j] = dot / scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j < n; j++) {
                    double p = scores[j] / sum;
                    for (int d = 0; d < headSize; d++) {
                        context[i][off + d] += p * v[j][off + d];
                    }
                }
            }
        }
        return context;
    }

    /**
     * One post-norm encoder layer as BERT and DistilBERT run it: self-attention, add and LayerNorm,
     * feed-forward, add and LayerNorm. {@code names} are the sub-layers after {@code prefix}, in that
     * order: query, key, value, attention output, its LayerNorm, intermediate, output, its LayerNorm;
     * {@code dense} and {@code norm} apply the caller's named linear layer and LayerNorm.
     */
    static double[][] postNormLayer(double[][] x, String prefix, List<String> names,
            BiFunction<double[][], String, double[][]> dense, BiFunction<double[][], String, double[][]> norm,
            int heads, int headSize, Activation act) {
        double[][] context = attention(dense.apply(x, prefix + names.get(0)), dense.apply(x, prefix + names.get(1)),
                dense.apply(x, prefix + names.get(2)), heads, headSize);
        double[][] x1 = norm.apply(add(dense.apply(context, prefix + names.get(3)), x), prefix + names.get(4));
        double[][] inner = activate(dense.apply(x1, prefix + names.get(5)), act);
        return norm.apply(add(dense.apply(inner, prefix + names.get(6)), x1), prefix + names.get(7));
    }

    /** Rounds to float32 for the caller. */
    static float[][] toFloat(double[][] x) {
        float[][] y = new float[x.length][];
        for (int t = 0; t < x.length; t++) {
            y[t] = new float[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                y[t][i] = (float) x[t][i];
            }
        }
        return y;
    }

    /**
     * The error function within 1e-10 (far below float32's resolution): its Taylor series below 4
     * in magnitude, the asymptotic expansion of {@code erfc} above (where erf differs from ±1 by
     * less than 2e-8).
     */
    static double erf(double x) {
        double a = Math.abs(x);
        double result;
        if (a < 4) {
            double term = a;
            double sum = a;
            double a2 = a * a;
            for (int n = 1; n < 200; n++) {
                term *= -a2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double a2 = a * a;
            double series = 1 - 1 / (2 * a2) + 3 / (4 * a2 * a2) - 15 / (8 * a2 * a2 * a2);
            result = 1 - Math.exp(-a2) / (a * Math.sqrt(Math.PI)) * series;
        }
        return x < 0 ? -result : result;
    }
}
