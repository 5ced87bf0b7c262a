using InsureCrm.Core.Agents;

namespace InsureCrm.Core.Synthetic;

internal sealed record SimBranch(long Id, string Code, string Name, int SidoIndex, string Sigungu);

internal sealed class SimAgent
{
    public long Id { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public AgentKind Kind { get; init; }
    public int BranchIndex { get; init; }
    public DateOnly HireDate { get; init; }
    /// <summary>When the agent leaves, even after the as-of date (hidden); see <see cref="TerminationDate"/>.</summary>
    public DateOnly LeaveDate { get; init; }
    /// <summary>The termination date as recorded at the as-of date (null while still employed).</summary>
    public DateOnly? TerminationDate { get; init; }
    public AgentStatus Status { get; init; }
    public double EarlyDropoutRate { get; init; }

    public bool IsActiveOn(DateOnly date) => HireDate <= date && date < LeaveDate;
}

/// <summary>
/// Branches and twelve years of agent hiring and leaving, simulated per branch so that every branch keeps
/// a target number of active agents: each hire gets a hidden talent and leaves by the hazard of
/// <see cref="HiddenModel.AgentEarlyDropoutRate"/>. Also answers "which agents were active in this
/// branch in month m" for the customer simulation.
/// </summary>
internal sealed class AgentForce
{
    private const int HistoryMonths = 144;
    private readonly int[][][] _sellers;
    private readonly int[][][] _cs;

    private AgentForce(DateOnly asOf, SimBranch[] branches, SimAgent[] agents, int[][] branchesBySido)
    {
        AsOf = asOf;
        Start = new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(-HistoryMonths);
        Branches = branches;
        Agents = agents;
        BranchesBySido = branchesBySido;
        _sellers = new int[branches.Length][][];
        _cs = new int[branches.Length][][];
        var byBranch = agents.Select((a, i) => (a, i)).GroupBy(x => x.a.BranchIndex).ToDictionary(g => g.Key, g => g.ToArray());
        for (var b = 0; b < branches.Length; b++)
        {
            _sellers[b] = new int[HistoryMonths + 1][];
            _cs[b] = new int[HistoryMonths + 1][];
            var members = byBranch.TryGetValue(b, out var m) ? m : [];
            for (var month = 0; month <= HistoryMonths; month++)
            {
                var mid = Start.AddMonths(month).AddDays(14);
                _sellers[b][month] = [.. members.Where(x => x.a.Kind != AgentKind.Cs && x.a.IsActiveOn(mid)).Select(x => x.i)];
                _cs[b][month] = [.. members.Where(x => x.a.Kind == AgentKind.Cs && x.a.IsActiveOn(mid)).Select(x => x.i)];
            }
        }
    }

    public DateOnly AsOf { get; }
    /// <summary>First day of the simulated history (twelve years before the as-of month).</summary>
    public DateOnly Start { get; }
    public SimBranch[] Branches { get; }
    public SimAgent[] Agents { get; }
    /// <summary>Branch indexes per 시/도 index (empty where the insurer has no branch).</summary>
    public int[][] BranchesBySido { get; }

    public int MonthIndex(DateOnly date) =>
        Math.Clamp((date.Year - Start.Year) * 12 + date.Month - Start.Month, 0, HistoryMonths);

    /// <summary>A branch for a customer living in a 시/도: one of its branches, else any.</summary>
    public int BranchFor(Random rng, int sidoIndex) =>
        BranchesBySido[sidoIndex] is { Length: > 0 } local ? local[rng.Next(local.Length)] : rng.Next(Branches.Length);

    /// <summary>An agent (not a CS consultant) active in the branch around the date, or -1.</summary>
    public int Seller(Random rng, int branch, DateOnly date) => PickActive(rng, _sellers[branch][MonthIndex(date)], date);

    /// <summary>A CS consultant active in the branch around the date, or -1.</summary>
    public int CsConsultant(Random rng, int branch, DateOnly date) => PickActive(rng, _cs[branch][MonthIndex(date)], date);

    private int PickActive(Random rng, int[] candidates, DateOnly date)
    {
        if (candidates.Length == 0)
        {
            return -1;
        }
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var i = candidates[rng.Next(candidates.Length)];
            if (Agents[i].IsActiveOn(date))
            {
                return i;
            }
        }
        foreach (var i in candidates)
        {
            if (Agents[i].IsActiveOn(date))
            {
                return i;
            }
        }
        return -1;
    }

    private static readonly WeightedTable<AgentKind> HireKinds = new(
    [
        (AgentKind.Fc, 0.72), (AgentKind.Tc, 0.08), (AgentKind.Lt, 0.06), (AgentKind.Fp, 0.05), (AgentKind.Am, 0.03), (AgentKind.Cs, 0.06),
    ]);

    public static AgentForce Create(int seed, int customers, DateOnly asOf)
    {
        var rng = new Random(SyntheticRandom.Derive(seed, 0, 1));
        var branchCount = Math.Max(5, (customers + 999) / 1000);
        var branches = CreateBranches(rng, branchCount);
        var bySido = new int[KoreanRegions.All.Length][];
        for (var s = 0; s < bySido.Length; s++)
        {
            bySido[s] = [.. branches.Select((b, i) => (b, i)).Where(x => x.b.SidoIndex == s).Select(x => x.i)];
        }
        var targetActive = Math.Max(10, (int)Math.Round(customers / (double)branchCount / 100.0));
        var start = new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(-HistoryMonths);
        var agents = new List<SimAgent>();
        for (var b = 0; b < branchCount; b++)
        {
            var leaves = new List<(DateOnly Leave, AgentKind Kind)>();
            // The branch's standing force when the history starts: veterans who survived their first year.
            for (var i = 0; i < targetActive; i++)
            {
                var kind = i == 0 ? AgentKind.Cs : HireKinds.Pick(rng);
                var hire = start.AddDays(-rng.Next(400, 15 * 365));
                agents.Add(Hire(rng, agents.Count, b, kind, hire, asOf, start, veteran: true));
                leaves.Add((agents[^1].LeaveDate, kind));
            }
            for (var month = 0; month < HistoryMonths; month++)
            {
                var monthStart = start.AddMonths(month);
                var active = leaves.Count(l => l.Leave > monthStart);
                var needCs = !leaves.Any(l => l.Kind == AgentKind.Cs && l.Leave > monthStart);
                var hires = Math.Max(0, targetActive + (rng.Chance(0.3) ? 1 : 0) - active);
                for (var h = 0; h < hires; h++)
                {
                    var kind = needCs && h == 0 ? AgentKind.Cs : HireKinds.Pick(rng);
                    var hire = monthStart.AddDays(rng.Next(DateTime.DaysInMonth(monthStart.Year, monthStart.Month)));
                    if (hire > asOf)
                    {
                        continue;
                    }
                    agents.Add(Hire(rng, agents.Count, b, kind, hire, asOf, start, veteran: false));
                    leaves.Add((agents[^1].LeaveDate, kind));
                }
            }
        }
        return new AgentForce(asOf, branches, [.. agents], bySido);
    }

    private static SimAgent Hire(Random rng, int index, int branch, AgentKind kind, DateOnly hire, DateOnly asOf, DateOnly start, bool veteran)
    {
        var talent = rng.Normal();
        var early = HiddenModel.AgentEarlyDropoutRate(kind, talent);
        var late = HiddenModel.AgentLateDropoutRate(early);
        // Piecewise-exponential leaving time: an Exp(1) draw spent at the early rate, then at the late one.
        var e = -Math.Log(1.0 - rng.NextDouble());
        double months;
        if (veteran)
        {
            // Veterans are known to have stayed past their first 13 months; only the late rate applies from the start of history.
            months = (start.DayNumber - hire.DayNumber) / 30.44 + e / late;
        }
        else
        {
            months = e < early * 13 ? e / early : 13 + (e - early * 13) / late;
        }
        var leave = hire.AddDays(Math.Max(1, (int)Math.Round(months * 30.44)));
        var terminated = leave <= asOf;
        var birthYear = hire.Year - rng.Next(24, 55);
        var gender = rng.Chance(0.62) ? Customers.Gender.Female : Customers.Gender.Male;
        return new SimAgent
        {
            Id = index + 1,
            Code = "AG" + (index + 1).ToString("D7", System.Globalization.CultureInfo.InvariantCulture),
            Name = KoreanNames.FullName(rng, KoreanNames.Surnames.Pick(rng), gender, birthYear),
            Kind = kind,
            BranchIndex = branch,
            HireDate = hire,
            LeaveDate = leave,
            TerminationDate = terminated ? leave : null,
            Status = terminated ? AgentStatus.Terminated : rng.Chance(0.02) ? AgentStatus.OnLeave : AgentStatus.Active,
            EarlyDropoutRate = early,
        };
    }

    private static SimBranch[] CreateBranches(Random rng, int count)
    {
        // Largest-remainder allocation of branches to 시/도 by population.
        var regions = KoreanRegions.All;
        var total = regions.Sum(r => r.PopulationThousands);
        var quotas = regions.Select(r => r.PopulationThousands / total * count).ToArray();
        var alloc = quotas.Select(q => (int)Math.Floor(q)).ToArray();
        foreach (var i in quotas.Select((q, i) => (q - Math.Floor(q), i)).OrderByDescending(x => x.Item1).ThenBy(x => x.i).Take(count - alloc.Sum()).Select(x => x.i))
        {
            alloc[i]++;
        }
        var branches = new List<SimBranch>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < regions.Length; s++)
        {
            for (var k = 0; k < alloc[s]; k++)
            {
                var sigungu = regions[s].Sigungu[k < regions[s].Sigungu.Length ? k : rng.Next(regions[s].Sigungu.Length)];
                var stem = KoreanRegions.ShortNames[s] + " " + (sigungu.Length > 2 ? sigungu[..^1] : sigungu);
                var name = stem + "지점";
                for (var n = 2; !names.Add(name); n++)
                {
                    name = stem + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + "지점";
                }
                var id = branches.Count + 1;
                branches.Add(new SimBranch(id, "BR" + id.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), name, s, sigungu));
            }
        }
        return [.. branches];
    }
}
