using System.Globalization;
using System.Text.Json;

namespace InsureCrm.Core.Orphans;

/// <summary>One reason of an assignment: a code and its parameters (no personal data), worded by the reader's language.</summary>
public sealed record OrphanReason(string Code, IReadOnlyDictionary<string, string> Args)
{
    public static OrphanReason Of(string code, params (string Key, object Value)[] args) =>
        new(code, args.ToDictionary(a => a.Key, a => Convert.ToString(a.Value, CultureInfo.InvariantCulture) ?? ""));
}

/// <summary>
/// The reason codes of an orphan assignment and their JSON form. Codes: <c>SameBranch</c> (branch), <c>SameRegion</c>
/// (sido), <c>Anywhere</c>, <c>BranchFull</c> (branch, cap), <c>RegionFull</c> (sido, cap), <c>AllFull</c> (cap),
/// <c>OverCap</c> (load, cap), <c>TopValue</c> (grade, rating), <c>LeastLoaded</c> (load, cap, rating), <c>Override</c> (by, why, forced),
/// <c>Returned</c> (agent, date), <c>ConsultantLeft</c> (agent, date), <c>ControlWave</c> (until), <c>ComplaintRecord</c> (complaints, months: the
/// chosen consultant's complaint record that counted in the rating).
/// </summary>
public static class OrphanReasons
{
    public const string SameBranch = "SameBranch", SameRegion = "SameRegion", Anywhere = "Anywhere", BranchFull = "BranchFull",
        RegionFull = "RegionFull", AllFull = "AllFull", OverCap = "OverCap", TopValue = "TopValue", LeastLoaded = "LeastLoaded",
        Override = "Override", Returned = "Returned", ConsultantLeft = "ConsultantLeft", ControlWave = "ControlWave",
        ComplaintRecord = "ComplaintRecord";

    /// <summary>Every code with the names of its parameters in the order the worded forms number them ({0}, {1}, ...).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Parameters = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [SameBranch] = ["branch"],
        [SameRegion] = ["sido"],
        [Anywhere] = [],
        [BranchFull] = ["branch", "cap"],
        [RegionFull] = ["sido", "cap"],
        [AllFull] = ["cap"],
        [OverCap] = ["load", "cap"],
        [TopValue] = ["grade", "rating"],
        [LeastLoaded] = ["load", "cap", "rating"],
        [Override] = ["by", "why"],
        [Returned] = ["agent", "date"],
        [ConsultantLeft] = ["agent", "date"],
        [ControlWave] = ["until"],
        [ComplaintRecord] = ["complaints", "months"],
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Write(IEnumerable<OrphanReason> reasons) => JsonSerializer.Serialize(reasons.ToList(), Json);

    public static IReadOnlyList<OrphanReason> Read(string json) =>
        JsonSerializer.Deserialize<List<OrphanReasonDto>>(json, Json)?.Select(r => new OrphanReason(r.Code, r.Args ?? [])).ToList() ?? [];

    /// <summary>The reasons in English, for the terminal and logs (the pages word them in the reader's language).</summary>
    public static string English(IEnumerable<OrphanReason> reasons) => string.Join("; ", reasons.Select(English));

    public static string English(OrphanReason r)
    {
        string A(string key) => r.Args.TryGetValue(key, out var v) ? v : "?";
        return r.Code switch
        {
            SameBranch => $"a CS consultant of the former agent's branch {A("branch")}",
            SameRegion => $"a CS consultant of the same region ({A("sido")})",
            Anywhere => "a CS consultant of another region (none left under the cap in the branch or region)",
            BranchFull => $"every CS consultant of branch {A("branch")} at the cap of {A("cap")} (or none there)",
            RegionFull => $"every CS consultant of {A("sido")} at the cap of {A("cap")} (or none there)",
            AllFull => $"every CS consultant at the cap of {A("cap")}: left unassigned",
            OverCap => $"assigned over the cap: {A("load")} open of {A("cap")}",
            TopValue => $"value grade {A("grade")} goes to the best-rated consultant (rating {A("rating")})",
            LeastLoaded => $"the least-loaded consultant ({A("load")} open of {A("cap")}; rating {A("rating")})",
            Override => $"reassigned by {A("by")}: {A("why")}{(A("forced") == "True" ? " (over the cap, forced)" : "")}",
            Returned => $"agent {A("agent")} returned on {A("date")}: the customer went back",
            ConsultantLeft => $"CS consultant {A("agent")} left on {A("date")}: re-orphaned and reassigned by the same rules",
            ComplaintRecord => $"{A("complaints")} agent-conduct or mis-selling complaints in the last {A("months")} months counted in the rating",
            ControlWave => $"control wave of the staggered roll-out: assignment deferred on purpose until {A("until")}",
            _ => r.Code,
        };
    }

    private sealed record OrphanReasonDto(string Code, Dictionary<string, string>? Args);
}
