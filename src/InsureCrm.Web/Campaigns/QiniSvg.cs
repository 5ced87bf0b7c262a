using System.Globalization;
using System.Net;
using System.Text;
using InsureCrm.Core.Campaigns.Uplift;

namespace InsureCrm.Web.Campaigns;

/// <summary>
/// The Qini curve as an inline SVG: x is the share of members contacted, highest predicted uplift first; y the responses
/// contacting them adds over not contacting them; the dashed line is what a random choice of the same share adds. The
/// drawing is small (480 units wide) so that its text stays readable when a 360 px phone shrinks it; an office screen
/// scales it up. Drawn on the server, so it needs no script (the CSP allows none inline) and shows in the page's HTML.
/// </summary>
internal static class QiniSvg
{
    private const double W = 480, H = 300, Left = 58, Right = 26, Top = 12, Bottom = 46;
    private static readonly double[] XTicks = [0, 0.25, 0.5, 0.75, 1];

    public static string Draw(
        IReadOnlyList<UpliftCurvePoint> curve, IReadOnlyList<UpliftCurvePoint> random, string title, string xLabel, string yLabel, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(random);
        var values = curve.Concat(random).Select(p => p.Incremental).Where(double.IsFinite).Append(0).ToList();
        var (min, max, step) = Scale(values.Min(), values.Max());
        double X(double share) => Left + Math.Clamp(share, 0, 1) * (W - Left - Right);
        double Y(double value) => Top + (max - value) / (max - min) * (H - Top - Bottom);
        string Points(IReadOnlyList<UpliftCurvePoint> points) => string.Join(" ",
            points.Where(p => double.IsFinite(p.Share) && double.IsFinite(p.Incremental)).Select(p => F(X(p.Share)) + "," + F(Y(p.Incremental))));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {F(W)} {F(H)}\" role=\"img\" aria-label=\"{E(title)}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{E(title)}</title>");
        var yFormat = step >= 1 ? "N0" : step >= 0.1 ? "N1" : "N2";
        for (var i = 0; min + i * step <= max + step / 2; i++)
        {
            var v = min + i * step;
            var y = Y(v);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"gridline\" x1=\"{F(Left)}\" y1=\"{F(y)}\" x2=\"{F(W - Right)}\" y2=\"{F(y)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{F(Left - 6)}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{E(v.ToString(yFormat, culture))}</text>");
        }
        foreach (var share in XTicks)
        {
            var x = X(share);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"gridline\" x1=\"{F(x)}\" y1=\"{F(Top)}\" x2=\"{F(x)}\" y2=\"{F(H - Bottom)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{F(x)}\" y=\"{F(H - Bottom + 16)}\" text-anchor=\"middle\">{E(share.ToString("0%", culture))}</text>");
        }
        if (min < 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"zero\" x1=\"{F(Left)}\" y1=\"{F(Y(0))}\" x2=\"{F(W - Right)}\" y2=\"{F(Y(0))}\"/>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{F(Left)}\" y1=\"{F(H - Bottom)}\" x2=\"{F(W - Right)}\" y2=\"{F(H - Bottom)}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{F(Left)}\" y1=\"{F(Top)}\" x2=\"{F(Left)}\" y2=\"{F(H - Bottom)}\"/>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<polyline class=\"random\" fill=\"none\" stroke=\"#8a96a6\" stroke-width=\"2\" stroke-dasharray=\"6 4\" points=\"{Points(random)}\" data-testid=\"qini-random\"/>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<polyline class=\"curve\" fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2.5\" points=\"{Points(curve)}\" data-testid=\"qini-curve\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-label\" x=\"{F(Left + (W - Left - Right) / 2)}\" y=\"{F(H - 6)}\" text-anchor=\"middle\">{E(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text class=\"axis-label\" transform=\"rotate(-90)\" x=\"{F(-(Top + (H - Top - Bottom) / 2))}\" y=\"16\" text-anchor=\"middle\">{E(yLabel)}</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>A round axis from <paramref name="low"/> to <paramref name="high"/>: about four steps of 1, 2 or 5 × 10ⁿ.</summary>
    internal static (double Min, double Max, double Step) Scale(double low, double high)
    {
        if (high - low < 1e-9)
        {
            high = low + 1;
        }
        var rough = (high - low) / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= rough * (1 - 1e-9));
        return (Math.Floor(low / step) * step, Math.Ceiling(high / step) * step, step);
    }

    /// <summary>A coordinate as SVG reads it (never the reader's decimal comma).</summary>
    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
