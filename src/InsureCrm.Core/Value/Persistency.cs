using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Value;

/// <summary>Whole policy months between two dates, the unit of persistency and projection.</summary>
public static class PolicyMonths
{
    /// <summary>The number of whole months from <paramref name="from"/> to <paramref name="to"/> (0 when to precedes from).</summary>
    public static int Between(DateOnly from, DateOnly to)
    {
        if (to <= from)
        {
            return 0;
        }
        var months = ((to.Year - from.Year) * 12) + to.Month - from.Month;
        return from.AddMonths(months) > to ? months - 1 : months;
    }
}

/// <summary>One status change of a contract, as recorded in contract_status_change.</summary>
public readonly record struct StatusEvent(DateOnly Date, ContractStatus To);

/// <summary>Where a curve came from: the family's own history, all families pooled, or the configured fallback rate.</summary>
public enum CurveSource { Family, Pooled, Fallback }

/// <summary>
/// Monthly survival S(m) of contracts by policy month m (m = 1 is the first month after issue) and the
/// monthly hazard h(m) = exits in month m / contracts at risk in month m. Beyond the observed months the
/// hazard of the last twelve observed months continues.
/// </summary>
public sealed class PersistencyCurve
{
    private readonly double[] _hazard;
    private readonly double[] _survival;
    private readonly double _tailHazard;
    // S(m) for the months after the observed ones, up to TailMonths of them: a projection asks for every month of its
    // horizon, and a Math.Pow per month and contract was a large part of a night's value step. The same expression, so the same values.
    private readonly double[] _tail;
    private const int TailMonths = 1200;

    public PersistencyCurve(CurveSource source, double[] hazardByMonth, double tailHazard, int contracts)
    {
        ArgumentNullException.ThrowIfNull(hazardByMonth);
        Source = source;
        Contracts = contracts;
        _hazard = hazardByMonth;
        _tailHazard = tailHazard;
        _survival = new double[hazardByMonth.Length];
        _survival[0] = 1d;
        for (var m = 1; m < hazardByMonth.Length; m++)
        {
            _survival[m] = _survival[m - 1] * (1d - hazardByMonth[m]);
        }
        _tail = new double[TailMonths];
        for (var k = 0; k < _tail.Length; k++)
        {
            _tail[k] = TailSurvival(_survival.Length + k);
        }
    }

    public CurveSource Source { get; }
    /// <summary>Contracts the curve was estimated from (0 for the fallback).</summary>
    public int Contracts { get; }
    public int ObservedMonths => _hazard.Length - 1;
    /// <summary>h(m) for m = 0 … <see cref="ObservedMonths"/> (h(0) = 0).</summary>
    public ReadOnlySpan<double> Hazards => _hazard;
    /// <summary>The monthly hazard beyond the observed months.</summary>
    public double TailHazard => _tailHazard;

    public static PersistencyCurve Constant(double monthlyHazard) => new(CurveSource.Fallback, [0d], monthlyHazard, 0);

    public double Hazard(int month) => month < 1 ? 0d : month < _hazard.Length ? _hazard[month] : _tailHazard;

    public double Survival(int month)
    {
        if (month <= 0)
        {
            return 1d;
        }
        if (month < _survival.Length)
        {
            return _survival[month];
        }
        var k = month - _survival.Length;
        return k < _tail.Length ? _tail[k] : TailSurvival(month);
    }

    private double TailSurvival(int month) => _survival[^1] * Math.Pow(1d - _tailHazard, month - (_survival.Length - 1));
}

/// <summary>The curve of each product family, with the pooled and fallback curves behind them.</summary>
public sealed class PersistencyCurves(IReadOnlyDictionary<ProductFamily, PersistencyCurve> families, PersistencyCurve fallback)
{
    public PersistencyCurve For(ProductFamily family) => families.TryGetValue(family, out var c) ? c : fallback;

    public IReadOnlyDictionary<ProductFamily, PersistencyCurve> Families => families;

    private sealed record CurveDto(CurveSource Source, double[] Hazard, double Tail, int Contracts);

    private sealed record CurvesDto(Dictionary<ProductFamily, CurveDto> Families, CurveDto Fallback);

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static CurveDto Dto(PersistencyCurve c) => new(c.Source, c.Hazards.ToArray(), c.TailHazard, c.Contracts);

    private static PersistencyCurve Curve(CurveDto d) => new(d.Source, d.Hazard, d.Tail, d.Contracts);

    /// <summary>The curves as JSON; <see cref="FromJson"/> gives curves that compute exactly the same values (doubles round-trip).</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(
        new CurvesDto(families.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key, kv => Dto(kv.Value)), Dto(fallback)), Json);

    public static PersistencyCurves FromJson(string json)
    {
        var dto = System.Text.Json.JsonSerializer.Deserialize<CurvesDto>(json, Json) ?? throw new InvalidDataException("Empty persistency curves.");
        return new PersistencyCurves(dto.Families.ToDictionary(kv => kv.Key, kv => Curve(kv.Value)), Curve(dto.Fallback));
    }
}

/// <summary>
/// A life table (Kaplan-Meier by policy month) of contract persistency, fed one contract at a time so
/// that memory does not grow with the book. Lapse, surrender and cancellation are exits in the month
/// they happen; maturity and claim terminations withdraw the contract (censored) without counting as
/// exits; contracts still in force are censored at the months completed by the as-of date; a reinstated
/// contract re-enters the table from the month of reinstatement.
/// </summary>
public sealed class PersistencyEstimator(DateOnly asOf, int maxMonths = 1200)
{
    private sealed class Table(int size)
    {
        public long[] RiskDelta { get; } = new long[size + 2];
        public long[] Exits { get; } = new long[size + 2];
        public int Contracts { get; set; }
    }

    private readonly Dictionary<ProductFamily, Table> _tables = [];
    private readonly Table _pooled = new(maxMonths);

    public static bool IsExit(ContractStatus status) =>
        status is ContractStatus.Lapsed or ContractStatus.Surrendered or ContractStatus.Cancelled;

    /// <summary>Adds one contract with its status changes in date order (those after the as-of date are ignored).</summary>
    public void Add(ProductFamily family, DateOnly issueDate, IEnumerable<StatusEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (issueDate > asOf)
        {
            return;
        }
        if (!_tables.TryGetValue(family, out var table))
        {
            table = _tables[family] = new Table(maxMonths);
        }
        table.Contracts++;
        _pooled.Contracts++;
        var active = true;
        var entry = 0;
        foreach (var e in events)
        {
            if (e.Date > asOf)
            {
                break;
            }
            var completed = PolicyMonths.Between(issueDate, e.Date);
            if (active && IsExit(e.To))
            {
                Spell(table, entry, completed + 1, exit: true);
                active = false;
            }
            else if (active && e.To is ContractStatus.Matured or ContractStatus.TerminatedByClaim)
            {
                Spell(table, entry, completed, exit: false);
                active = false;
            }
            else if (!active && e.To == ContractStatus.Reinstated)
            {
                active = true;
                entry = completed;
            }
        }
        if (active)
        {
            Spell(table, entry, PolicyMonths.Between(issueDate, asOf), exit: false);
        }
    }

    private void Spell(Table table, int entry, int last, bool exit)
    {
        entry = Math.Min(entry, maxMonths);
        last = Math.Min(last, maxMonths);
        if (last <= entry)
        {
            return;
        }
        // At risk in months entry+1 .. last.
        foreach (var t in (ReadOnlySpan<Table>)[table, _pooled])
        {
            t.RiskDelta[entry + 1]++;
            t.RiskDelta[last + 1]--;
            if (exit)
            {
                t.Exits[last]++;
            }
        }
    }

    /// <summary>The curves: a family's own when it has at least <paramref name="minContracts"/> contracts, else the pooled one, else a constant hazard.</summary>
    public PersistencyCurves Build(int minContracts, decimal fallbackAnnualLapseRate)
    {
        var fallback = PersistencyCurve.Constant(1d - Math.Pow(1d - (double)fallbackAnnualLapseRate, 1d / 12d));
        var pooled = _pooled.Contracts >= minContracts && _pooled.Contracts > 0 ? Curve(_pooled, CurveSource.Pooled) : fallback;
        var families = new Dictionary<ProductFamily, PersistencyCurve>();
        foreach (var family in Enum.GetValues<ProductFamily>())
        {
            families[family] = _tables.TryGetValue(family, out var t) && t.Contracts >= minContracts && t.Contracts > 0
                ? Curve(t, CurveSource.Family)
                : pooled;
        }
        return new PersistencyCurves(families, pooled);
    }

    private static PersistencyCurve Curve(Table table, CurveSource source)
    {
        var atRisk = new long[table.RiskDelta.Length];
        long running = 0;
        var last = 0;
        for (var m = 1; m < atRisk.Length; m++)
        {
            running += table.RiskDelta[m];
            atRisk[m] = running;
            if (running > 0)
            {
                last = m;
            }
        }
        // The hazard of the last twelve observed months carries the curve beyond them (and over gaps).
        long tailExits = 0, tailRisk = 0;
        for (var m = Math.Max(1, last - 11); m <= last; m++)
        {
            tailExits += table.Exits[m];
            tailRisk += atRisk[m];
        }
        var tail = tailRisk > 0 ? (double)tailExits / tailRisk : 0d;
        var hazard = new double[last + 1];
        for (var m = 1; m <= last; m++)
        {
            hazard[m] = atRisk[m] > 0 ? (double)table.Exits[m] / atRisk[m] : tail;
        }
        return new PersistencyCurve(source, hazard, tail, table.Contracts);
    }
}
