package io.journeyflow.jobs.tools.report;

import java.util.Locale;

/** A small writer of inline SVG: every text and attribute value escaped, numbers rounded. */
final class Svg {

  private final StringBuilder out = new StringBuilder(4096);
  private final int width;
  private final int height;
  private final String label;

  Svg(int width, int height, String label) {
    this.width = width;
    this.height = height;
    this.label = label;
  }

  /** Escapes text for HTML and SVG content and attribute values. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          // Control characters are not allowed in XML (SVG): show them as a replacement.
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  static String n(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Cuts text longer than max characters, with an ellipsis. */
  static String cut(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)) + "\u2026";
  }

  Svg raw(String svg) {
    out.append(svg);
    return this;
  }

  Svg rect(double x, double y, double w, double h, String fill, String title) {
    out.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"")
        .append(n(Math.max(0, w))).append("\" height=\"").append(n(h)).append("\" fill=\"")
        .append(esc(fill)).append('"');
    closeWithTitle("rect", title);
    return this;
  }

  Svg line(double x1, double y1, double x2, double y2, String stroke, double width,
      String extra) {
    out.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1))
        .append("\" x2=\"").append(n(x2)).append("\" y2=\"").append(n(y2))
        .append("\" stroke=\"").append(esc(stroke)).append("\" stroke-width=\"")
        .append(n(width)).append('"');
    if (extra != null) {
      out.append(' ').append(extra);
    }
    out.append("/>");
    return this;
  }

  Svg circle(double cx, double cy, double r, String fill, String title) {
    out.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy))
        .append("\" r=\"").append(n(r)).append("\" fill=\"").append(esc(fill))
        .append("\" stroke=\"#fff\" stroke-width=\"1.5\"");
    closeWithTitle("circle", title);
    return this;
  }

  /** Text; cls is a CSS class of the page's style sheet (or null), anchor start/middle/end. */
  Svg text(double x, double y, String text, String cls, String anchor, String title) {
    out.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append('"');
    if (cls != null) {
      out.append(" class=\"").append(esc(cls)).append('"');
    }
    if (anchor != null && !anchor.equals("start")) {
      out.append(" text-anchor=\"").append(esc(anchor)).append('"');
    }
    out.append('>');
    if (title != null) {
      out.append("<title>").append(esc(title)).append("</title>");
    }
    out.append(esc(text)).append("</text>");
    return this;
  }

  Svg polyline(String points, String stroke) {
    out.append("<polyline points=\"").append(esc(points)).append("\" fill=\"none\" stroke=\"")
        .append(esc(stroke)).append("\" stroke-width=\"2.2\" stroke-linejoin=\"round\"/>");
    return this;
  }

  private void closeWithTitle(String element, String title) {
    if (title == null) {
      out.append("/>");
    } else {
      out.append("><title>").append(esc(title)).append("</title></").append(element)
          .append('>');
    }
  }

  @Override
  public String toString() {
    // Inline in HTML: no xmlns needed (and the page names no address at all).
    return "<svg viewBox=\"0 0 " + width + " " + height
        + "\" width=\"" + width + "\" height=\"" + height + "\" role=\"img\" aria-label=\""
        + esc(label) + "\">" + out + "</svg>";
  }
}
