package lambert.toolkit.tune;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Locale;
import lambert.base.io.PartialFiles;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The "execution time vs RAM" figure of a sweep, drawn with JFreeChart: duration p50 and p90 (left
 * axis, ms) and cost per million invocations (right axis, USD) against the memory size. Written as
 * PNG, and as SVG through JFreeSVG; headless, so it works on a server.
 *
 * <pre>{@code
 * TuneChart.writePng(result, "all-MiniLM-L6-v2 int8", Path.of("docs/tune.png"));
 * }</pre>
 */
public final class TuneChart {
    /** Width of the picture in pixels. */
    public static final int WIDTH = 900;
    /** Height of the picture in pixels. */
    public static final int HEIGHT = 540;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private TuneChart() {}

    /** Writes the PNG (via a temp file, then an atomic move). */
    public static void writePng(TuneResult result, String subject, Path file) throws IOException {
        JFreeChart chart = chart(result, subject);
        write(file, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
    }

    /** Writes the SVG (via a temp file, then an atomic move). */
    public static void writeSvg(TuneResult result, String subject, Path file) throws IOException {
        JFreeChart chart = chart(result, subject);
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        byte[] svg = g.getSVGDocument().getBytes(StandardCharsets.UTF_8);
        write(file, out -> out.write(svg));
    }

    /** The SVG file that goes with a PNG: {@code chart.png} → {@code chart.svg}. */
    public static Path svgFor(Path png) {
        String name = png.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return png.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".svg");
    }

    static JFreeChart chart(TuneResult result, String subject) {
        XYSeries p50 = new XYSeries("duration p50 (ms)");
        XYSeries p90 = new XYSeries("duration p90 (ms)");
        XYSeries cost = new XYSeries("$ per million invocations");
        for (SizeResult s : result.sizes()) {
            if (!Double.isNaN(s.p50Ms())) {
                p50.add(s.memoryMb(), s.p50Ms());
                p90.add(s.memoryMb(), s.p90Ms());
                cost.add(s.memoryMb(), s.usdPerMillion());
            }
        }
        XYSeriesCollection durations = new XYSeriesCollection();
        durations.addSeries(p50);
        durations.addSeries(p90);
        XYSeriesCollection costs = new XYSeriesCollection(cost);

        NumberAxis memory = new NumberAxis("memory (MB); vCPU = memory / 1769");
        memory.setAutoRangeIncludesZero(true);
        memory.setTickUnit(new NumberTickUnit(256, new DecimalFormat("0")));
        memory.setVerticalTickLabels(true);
        // Log scale: the p90 of a starved small size is tens of times the p50 of a large one.
        LogarithmicAxis ms = new LogarithmicAxis("duration (ms, log scale)");
        ms.setStrictValuesFlag(false);
        ms.setAutoRangeNextLogFlag(true);

        NumberAxis usd = new NumberAxis("USD per million invocations (requests included)");
        usd.setAutoRangeIncludesZero(true);
        usd.setNumberFormatOverride(new DecimalFormat("$0.00"));

        XYLineAndShapeRenderer durationLines = new XYLineAndShapeRenderer(true, true);
        durationLines.setSeriesPaint(0, new Color(0x1f77b4));
        durationLines.setSeriesPaint(1, new Color(0x9ecae1));
        durationLines.setSeriesStroke(0, new BasicStroke(2.5f));
        durationLines.setSeriesStroke(1, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                new float[] {6f, 4f}, 0f));
        XYLineAndShapeRenderer costLine = new XYLineAndShapeRenderer(true, true);
        costLine.setSeriesPaint(0, new Color(0xd62728));
        costLine.setSeriesStroke(0, new BasicStroke(2.5f));

        XYPlot plot = new XYPlot(durations, memory, ms, durationLines);
        plot.setRangeAxis(1, usd);
        plot.setDataset(1, costs);
        plot.mapDatasetToRangeAxis(1, 1);
        plot.setRenderer(1, costLine);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));

        JFreeChart chart = new JFreeChart("Duration and cost against memory", JFreeChart.DEFAULT_TITLE_FONT, plot,
                true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "%s, %s, %s prices (%s); %d invocations per size "
                + "after %d warm-up", subject, result.architecture().lambdaName(), result.prices().region(),
                result.prices().date(), result.invocations(), result.warmup()), new Font("SansSerif", Font.PLAIN, 12)));
        return chart;
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static void write(Path file, Writer writer) throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                writer.write(out);
            }
            PartialFiles.replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
