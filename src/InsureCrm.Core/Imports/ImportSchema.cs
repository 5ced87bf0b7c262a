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

    /// <summary>Null when the header fits the kind; otherwise a message naming every problem.</summary>
    public static string? CheckHeader(ImportKind kind, IReadOnlyList<string> header, string? sourceSystem)
    {
        var columns = For(kind);
        var problems = new List<string>();
        var missing = columns.Where(c => c.Required && !header.Contains(c.Name)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"missing required column(s): {string.Join(", ", missing)}");
        }
        var unknown = header.Where(h => columns.All(c => c.Name != h)).ToList();
        if (unknown.Count > 0)
        {
            problems.Add($"unknown column(s): {string.Join(", ", unknown.Select(u => u.Length == 0 ? "(empty)" : u))}");
        }
        var duplicate = header.GroupBy(h => h).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicate.Count > 0)
        {
            problems.Add($"duplicate column(s): {string.Join(", ", duplicate)}");
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
}
