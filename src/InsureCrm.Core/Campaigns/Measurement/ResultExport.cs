using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Campaigns.Measurement;

/// <summary>
/// A campaign's results as files: CSV (one table, a breakdown column, invariant culture, cells through
/// <see cref="CsvCell"/>) and XLSX (one sheet per breakdown, numbers as numbers, money as <c>#,##0</c>, rates as
/// percentages). Aggregates only: no customer appears in either.
/// </summary>
internal static class ResultExport
{
    /// <summary>The columns, in order; the rate columns hold fractions (0.0123 = 1.23 %).</summary>
    internal static readonly string[] Header =
    [
        "breakdown", "key",
        "test_members", "test_solicitations", "test_responders", "test_responses", "test_revenue", "test_response_rate", "test_rate_lower", "test_rate_upper", "test_hit_ratio_not_randomised",
        "control_members", "control_responders", "control_responses", "control_revenue", "control_response_rate", "control_rate_lower", "control_rate_upper",
        "uplift", "uplift_lower", "uplift_upper", "p_value", "significant", "incremental_responses",
        "incremental_revenue", "incremental_revenue_lower", "incremental_revenue_upper", "cost", "roi", "target_lift",
    ];

    private enum Kind { Text, Count, Money, Rate, Ratio }

    private static readonly Kind[] Kinds =
    [
        Kind.Text, Kind.Text,
        Kind.Count, Kind.Count, Kind.Count, Kind.Count, Kind.Money, Kind.Rate, Kind.Rate, Kind.Rate, Kind.Rate,
        Kind.Count, Kind.Count, Kind.Count, Kind.Money, Kind.Rate, Kind.Rate, Kind.Rate,
        Kind.Rate, Kind.Rate, Kind.Rate, Kind.Ratio, Kind.Text, Kind.Ratio,
        Kind.Money, Kind.Money, Kind.Money, Kind.Money, Kind.Ratio, Kind.Rate,
    ];

    /// <summary>One row's cells: strings, longs, decimals or doubles, null for an empty cell.</summary>
    internal static object?[] Cells(ResultBreakdown by, ResultRow row)
    {
        var t = row.Test;
        var c = row.Control;
        var x = row.Comparison;
        return
        [
            by.ToString(), row.Key,
            t.Members, t.Solicitations, t.Responders, t.Responses, t.Revenue, t.ResponseRate.Value, t.ResponseRate.Lower, t.ResponseRate.Upper, t.HitRatio,
            c.Members, c.Responders, c.Responses, c.Revenue, c.ResponseRate.Value, c.ResponseRate.Lower, c.ResponseRate.Upper,
            x.Uplift.Value, x.Uplift.Lower, x.Uplift.Upper, x.PValue, x.Significant ? "yes" : "not significant", x.IncrementalResponses,
            Money(x.IncrementalRevenue.Value), Money(x.IncrementalRevenue.Lower), Money(x.IncrementalRevenue.Upper), x.Cost, x.Roi, x.TargetLift,
        ];
    }

    private static decimal Money(double value) => Math.Round((decimal)value, 0, MidpointRounding.AwayFromZero);

    private static string Invariant(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static async Task WriteCsvAsync(IReadOnlyList<CampaignResults> results, Stream output, CancellationToken ct)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', Header)).Append("\r\n");
        foreach (var result in results)
        {
            foreach (var row in result.Rows)
            {
                text.Append(string.Join(',', Cells(result.By, row).Select(v => CsvCell.Field(Invariant(v))))).Append("\r\n");
            }
        }
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
        await output.WriteAsync(bytes, ct);
    }

    public static void WriteXlsx(IReadOnlyList<CampaignResults> results, Stream output)
    {
        // The package is built in memory: OpenXml needs a seekable stream and an HTTP response is not one.
        using var buffer = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = Stylesheet();
            var sheets = workbookPart.Workbook.AppendChild(new Sheets());
            uint sheetId = 1;
            foreach (var result in results)
            {
                var sheetPart = workbookPart.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                data.AppendChild(new Row(Header.Select(TextCell)));
                foreach (var row in result.Rows)
                {
                    data.AppendChild(new Row(Cells(result.By, row).Select((v, i) => Cell(v, Kinds[i]))));
                }
                sheetPart.Worksheet = new Worksheet(data);
                sheets.AppendChild(new Sheet { Id = workbookPart.GetIdOfPart(sheetPart), SheetId = sheetId++, Name = result.By.ToString() });
            }
            workbookPart.Workbook.Save();
        }
        buffer.Position = 0;
        buffer.CopyTo(output);
    }

    private static Cell TextCell(string text) =>
        new() { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) };

    private static Cell Cell(object? value, Kind kind)
    {
        if (value is null)
        {
            return new Cell();
        }
        if (value is string s)
        {
            return TextCell(s);
        }
        var style = kind switch { Kind.Money => 1u, Kind.Rate => 2u, Kind.Ratio => 3u, _ => 0u };
        return new Cell { DataType = CellValues.Number, CellValue = new CellValue(Invariant(value)), StyleIndex = style };
    }

    /// <summary>Built-in number formats: 3 = <c>#,##0</c> (KRW), 10 = <c>0.00%</c>, 4 = <c>#,##0.00</c>.</summary>
    private static Stylesheet Stylesheet() => new(
        new Fonts(new Font()),
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
        new Borders(new Border()),
        new CellFormats(
            new CellFormat(),
            new CellFormat { NumberFormatId = 3, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 10, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 4, ApplyNumberFormat = true }));
}
