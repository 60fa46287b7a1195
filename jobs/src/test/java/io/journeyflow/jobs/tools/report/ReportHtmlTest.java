package io.journeyflow.jobs.tools.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page: self-contained, one chart per section, everything from the input escaped. */
class ReportHtmlTest {

  static final Path SAMPLE = Path.of("../docs/examples/journey-metrics-sample.jsonl");
  static final Path SAMPLE_DEAD = Path.of("../docs/examples/dead-letters-sample.jsonl");
  private static final ReportHtml.Meta META =
      new ReportHtml.Meta("Report", "sample", Instant.parse("2026-12-01T10:00:00Z"));

  private static String sample() throws Exception {
    ReportModel model = ReportAggregator.aggregate(ReportInput.readJsonLines(SAMPLE).rows(),
        ReportInput.readJsonLines(SAMPLE_DEAD).rows(), "dead", List.of(), 10);
    return ReportHtml.render(model, META);
  }

  @Test
  void theSamplePageHasOneSvgPerChartAndFetchesNothing() throws Exception {
    String html = sample();
    assertThat(count(html, "<svg")).isEqualTo(6);
    assertThat(count(html, "</svg>")).isEqualTo(6);
    for (String id : List.of("funnel", "resolution", "repeat-contacts", "lift", "decisions",
        "dead-letters")) {
      int section = html.indexOf("<section id=\"" + id + "\">");
      assertThat(section).as(id).isPositive();
      assertThat(html.indexOf("<svg", section)).as(id + " has its chart")
          .isLessThan(html.indexOf("</section>", section));
    }
    assertSelfContained(html);
    assertThat(html).doesNotContain("class=\"nodata\"");
  }

  @Test
  void everyTextFromTheInputIsEscaped() throws Exception {
    String evil = "<b>&\"x";
    String line = ("{'ruleId':'%s','ruleVersion':1,'journey':'%s','windowStart':"
        + "'2026-11-02T00:00:00Z','windowEnd':'2026-11-03T00:00:00Z','entered':3,"
        + "'breakpoints':2,'decisions':{'SENT':2,'BLOCKED:%s':1},'resolved':1,'abandoned':0,"
        + "'resolutionCount':1,'resolutionP50Millis':60000,'resolutionP90Millis':90000,"
        + "'resolutionP99Millis':99000,'actionsFollowedUp':2,'repeatContacts':1,"
        + "'stepsReached':[{'step':'%s','reached':3}],'holdout':{'holdoutPercent':10.0,"
        + "'treated':20,'treatedWithOutcome':10,'heldOut':10,'heldOutWithOutcome':2}}")
        .formatted("R", "J", "C", "S").replace('\'', '"')
        .replace("\"R\"", json(evil)).replace("\"J\"", json(evil + "j"))
        .replace("BLOCKED:C", "BLOCKED:" + evil.replace("\"", "\\\""))
        .replace("\"S\"", json(evil + "s"));
    String dead = "{\"stage\":" + json(evil) + ",\"error\":" + json("bad <script>" + evil)
        + "}";
    String html = ReportHtml.render(ReportAggregator.aggregate(
        ReportAggregatorTest.rows(line), ReportAggregatorTest.rows(dead), "<dl>",
        List.of("warn <i>"), 10), new ReportHtml.Meta("T <t>", "<src>", META.generatedAt()));

    assertThat(html).doesNotContain("<b>").doesNotContain("&\"x").doesNotContain("<script")
        .doesNotContain("<i>").doesNotContain("<src>").doesNotContain("<dl>")
        .doesNotContain("<t>");
    assertThat(html).contains("&lt;b&gt;&amp;&quot;x");
    assertThat(count(html, "&lt;b&gt;&amp;&quot;x")).isGreaterThanOrEqualTo(8);
    assertThat(count(html, "<svg")).isEqualTo(6);
    assertSelfContained(html);
  }

  @Test
  void emptyInputGivesAValidPageThatSaysThereIsNoData() {
    String html = ReportHtml.render(
        ReportAggregator.aggregate(List.of(), null, null, List.of(), 10), META);
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>Report</title>")
        .endsWith("</html>\n");
    assertThat(count(html, "<svg")).isZero();
    assertThat(count(html, "class=\"nodata\"")).isEqualTo(6);
    assertThat(html).contains("No data: no JourneyMetrics rows in sample.")
        .contains("No data: no dead-letter input given");
    assertThat(count(html, "<section")).isEqualTo(count(html, "</section>")).isEqualTo(6);
    assertSelfContained(html);
  }

  @Test
  void rulesWithoutHoldoutOrResolutionsSayNoData() throws Exception {
    String line = "{\"ruleId\":\"r\",\"ruleVersion\":1,\"journey\":\"j\",\"windowStart\":"
        + "\"2026-11-02T00:00:00Z\",\"windowEnd\":\"2026-11-03T00:00:00Z\",\"entered\":0,"
        + "\"breakpoints\":0,\"decisions\":{},\"resolved\":0,\"abandoned\":0,"
        + "\"resolutionCount\":0,\"actionsFollowedUp\":0,\"repeatContacts\":0,"
        + "\"stepsReached\":[],\"holdout\":null}";
    String html = ReportHtml.render(ReportAggregator.aggregate(
        ReportAggregatorTest.rows(line), List.of(), "dl", List.of(), 10), META);
    assertThat(count(html, "<svg")).isZero();
    assertThat(count(html, "class=\"nodata\"")).isEqualTo(6);
    assertThat(html).contains("no rule has a holdout").contains("no holdout")
        .contains("No data: no dead letters in dl.");
  }

  @Test
  void timeAxisLabelsDoNotOverlap() {
    java.util.Map<String, Double> x = java.util.Map.of("a", 0.0, "b", 50.0, "c", 120.0,
        "d", 200.0, "e", 230.0);
    assertThat(ReportHtml.spaced(List.of("a", "b", "c", "d", "e"), x, 100))
        .containsExactly("a", "c", "e");
    assertThat(ReportHtml.spaced(List.of("a"), x, 100)).containsExactly("a");
  }

  static void assertSelfContained(String html) {
    assertThat(html).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://")
        .doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
        .doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("url(")
        .doesNotContainIgnoringCase("<img").doesNotContainIgnoringCase("<iframe");
    Matcher src = Pattern.compile("(?i)\\b(src|href)\\s*=").matcher(html);
    assertThat(src.find()).as("no src= or href= at all").isFalse();
  }

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
