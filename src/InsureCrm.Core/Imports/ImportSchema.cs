using System.Globalization;

namespace InsureCrm.Core.Imports;

/// <summary>One documented column of an import file (docs/imports.md).</summary>
internal sealed record ImportColumn(string Name, bool Required);

/// <summary>The documented column set of each import kind; header names are case-insensitive.</summary>
internal static class ImportSchema
{
    private static ImportColumn R(string name) => new(name, true);
    private static ImportColumn O(string name) => new(name, false);

    public static IReadOnlyList<ImportColumn> For(ImportKind kind) => kind switch
    {
        ImportKind.Customers =>
        [
            O("source_system"), R("source_id"), O("kind"), R("name"), O("birth_date"), O("gender"), O("rrn"),
            O("business_number"), O("phone"), O("email"), O("sido"), O("sigungu"), O("address"), O("postal_code"),
            O("occupation"), O("income_band"), O("marital_status"), O("children"), O("preferred_channel"),
            O("preferred_contact_time"),
        ],
        ImportKind.Contracts =>
        [
            O("source_system"), R("contract_number"), R("product_code"), R("policyholder"), O("insured"), O("beneficiary"),
            R("sum_assured"), R("premium"), O("currency"), R("payment_mode"), R("payment_method"), R("issue_date"),
            O("maturity_date"), O("selling_agent_code"), O("servicing_agent_code"), R("channel"), R("status"), R("status_date"),
            O("paid_to_date"),
        ],
        ImportKind.Loans =>
        [
            O("source_system"), R("loan_number"), R("customer"), R("product_code"), R("principal"), R("rate"), R("balance"),
            O("currency"), R("start_date"), R("maturity_date"), R("status"), R("status_date"), O("agent_code"),
        ],
        ImportKind.Agents =>
        [
            R("code"), R("name"), R("kind"), R("branch_code"), O("branch_name"), O("sido"), O("sigungu"), R("hire_date"),
            O("termination_date"), R("status"),
        ],
        ImportKind.Interactions =>
        [
            O("source_system"), R("source_key"), R("customer"), R("occurred_at"), R("channel"), R("direction"), R("purpose"),
            R("outcome"), O("agent_code"), O("staff_user"), O("notes"),
        ],
        ImportKind.Claims =>
        [
            R("claim_number"), R("contract_number"), R("cause"), R("claim_date"), O("paid_date"), R("amount_paid"), O("currency"),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Kinds whose rows name customers by source id and so need a source system.</summary>
    public static bool NeedsSourceSystem(ImportKind kind) =>
        kind is ImportKind.Customers or ImportKind.Contracts or ImportKind.Loans or ImportKind.Interactions;

    /// <summary>Unknown header names shown in an error, at most; the rest are counted.</summary>
    private const int NamesShown = 20;

    /// <summary>
    /// Null when the header fits the kind; otherwise a message naming every problem. The message quotes a
    /// header cell only when the row is recognisably a header (it has a known column) and the cell looks like
    /// a column name: the first row of a file without a header is data (names, RRNs, phones), so its cells
    /// are named by position, never echoed.
    /// </summary>
    public static string? CheckHeader(ImportKind kind, IReadOnlyList<string> header, string? sourceSystem)
    {
        var columns = For(kind);
        var problems = new List<string>();
        var missing = columns.Where(c => c.Required && !header.Contains(c.Name)).Select(c => c.Name).ToList();
        var known = header.Count(h => columns.Any(c => c.Name == h));
        if (known == 0 && header.Count > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"the first line has no known column name in its {header.Count} cells, so it is not a header row (a file without a header? its values are not shown here)"));
        }
        else
        {
            if (missing.Count > 0)
            {
                problems.Add($"missing required column(s): {string.Join(", ", missing)}");
            }
            var unknown = header.Select((h, i) => (Name: h, Position: i + 1)).Where(h => columns.All(c => c.Name != h.Name)).ToList();
            if (unknown.Count > 0)
            {
                problems.Add($"unknown column(s): {Names(unknown)}");
            }
            var duplicate = header.Select((h, i) => (Name: h, Position: i + 1)).GroupBy(h => h.Name).Where(g => g.Count() > 1).Select(g => g.First()).ToList();
            if (duplicate.Count > 0)
            {
                problems.Add($"duplicate column(s): {Names(duplicate)}");
            }
        }
        if (NeedsSourceSystem(kind) && !header.Contains("source_system") && string.IsNullOrWhiteSpace(sourceSystem))
        {
            problems.Add("no source_system column and no --source option: say which system the ids come from");
        }
        if (problems.Count == 0)
        {
            return null;
        }
        return $"Wrong header for {kind.ToString().ToLowerInvariant()}: {string.Join("; ", problems)}. "
            + $"Expected columns: {string.Join(", ", columns.Select(c => c.Required ? c.Name : c.Name + "?"))} (? = optional).";
    }

    /// <summary>Header cells for a message: the name when it looks like a column name, else its position; at most <see cref="NamesShown"/>.</summary>
    private static string Names(List<(string Name, int Position)> cells)
    {
        var shown = cells.Take(NamesShown).Select(c => c.Name.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"(empty, column {c.Position})")
            : LooksLikeColumnName(c.Name) ? c.Name : string.Create(CultureInfo.InvariantCulture, $"(column {c.Position})"));
        var more = cells.Count > NamesShown ? string.Create(CultureInfo.InvariantCulture, $" and {cells.Count - NamesShown:N0} more") : "";
        return string.Join(", ", shown) + more;
    }

    /// <summary>
    /// Lower-case ASCII letters, digits and underscores, starting with a letter, at most 40 characters: what our
    /// column names and their typos look like, and what an RRN, phone, e-mail, address or Hangul name does not.
    /// </summary>
    internal static bool LooksLikeColumnName(string name) =>
        name.Length is > 0 and <= 40 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
