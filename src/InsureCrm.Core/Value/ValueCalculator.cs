using System.Buffers;
using System.Text;
using System.Text.Json;
using static System.FormattableString;
using System.Text.Json.Serialization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Value;

/// <summary>What the engine needs of one contract: its terms, its status changes in date order and the claims paid on it.</summary>
public sealed record ContractFacts(
    long Id, long CustomerId, ProductFamily Family, PaymentMode PaymentMode, decimal Premium, decimal SumAssured,
    DateOnly IssueDate, DateOnly? MaturityDate, ContractStatus Status, DateOnly StatusDate,
    IReadOnlyList<StatusEvent> Events, decimal ClaimsPaid);

/// <summary>What the potential-value rules need of one customer.</summary>
public sealed record CustomerFacts(long Id, CustomerKind Kind, DateOnly? BirthDate, int? Children);

/// <summary>One labelled amount of an explanation (KRW, signed: costs are negative).</summary>
public sealed record ValueComponent(string Label, decimal Amount);

/// <summary>How one contract's experience and current value were computed.</summary>
public sealed record ContractValueExplanation(
    long ContractId, ProductFamily Family, ContractStatus StatusAsOf, decimal Experience, decimal Current,
    IReadOnlyList<ValueComponent> ExperienceParts, IReadOnlyList<ValueComponent> CurrentParts, string? Curve);

/// <summary>The explanation kept as JSON with each customer's value.</summary>
public sealed record CustomerValueExplanation(
    string Purpose, decimal ExperienceWeight, decimal CurrentWeight, decimal PotentialWeight,
    IReadOnlyList<ContractValueExplanation> Contracts, IReadOnlyList<ValueComponent> Potential, IReadOnlyList<ValueComponent> Total);

public sealed record ContractValue(long ContractId, decimal Experience, decimal Current, ContractValueExplanation Explanation);

public sealed record CustomerValueResult(long CustomerId, decimal Experience, decimal Current, decimal Potential, decimal Total, CustomerValueExplanation Explanation)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// The explanation as JSON: exactly what <see cref="JsonSerializer"/> writes with these options (the same writer, so the
    /// same numbers and escaping), written member by member, since a night writes a million of them.
    /// </summary>
    public string ExplanationJson() => ExplanationJsonWriter.Write(Explanation);

    public static CustomerValueExplanation? ReadExplanation(string json) => JsonSerializer.Deserialize<CustomerValueExplanation>(json, Json);
}

/// <summary>
/// Writes a <see cref="CustomerValueExplanation"/> as the serialiser does with web defaults (camelCase names, nulls
/// written) and enums as their names, with one reusable buffer and writer per thread.
/// </summary>
internal static class ExplanationJsonWriter
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static string Write(CustomerValueExplanation explanation)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteString("purpose", explanation.Purpose);
        w.WriteNumber("experienceWeight", explanation.ExperienceWeight);
        w.WriteNumber("currentWeight", explanation.CurrentWeight);
        w.WriteNumber("potentialWeight", explanation.PotentialWeight);
        w.WriteStartArray("contracts");
        foreach (var c in explanation.Contracts)
        {
            w.WriteStartObject();
            w.WriteNumber("contractId", c.ContractId);
            w.WriteString("family", c.Family.ToString());
            w.WriteString("statusAsOf", c.StatusAsOf.ToString());
            w.WriteNumber("experience", c.Experience);
            w.WriteNumber("current", c.Current);
            Components(w, "experienceParts", c.ExperienceParts);
            Components(w, "currentParts", c.CurrentParts);
            if (c.Curve is null)
            {
                w.WriteNull("curve");
            }
            else
            {
                w.WriteString("curve", c.Curve);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Components(w, "potential", explanation.Potential);
        Components(w, "total", explanation.Total);
        w.WriteEndObject();
        w.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Components(Utf8JsonWriter w, string name, IReadOnlyList<ValueComponent> parts)
    {
        w.WriteStartArray(name);
        foreach (var p in parts)
        {
            w.WriteStartObject();
            w.WriteString("label", p.Label);
            w.WriteNumber("amount", p.Amount);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}

/// <summary>
/// Lifetime value of contracts and customers as of one date: experience (profit realised so far),
/// current (present value of expected future profit of contracts in force) and potential (product-gap
/// rules). docs/value.md gives the formulas.
/// </summary>
public sealed class ValueCalculator(ValueOptions options, PersistencyCurves curves, DateOnly asOf)
{
    private readonly double _monthlyDiscount = Math.Pow(1d + (double)options.DiscountRate, -1d / 12d);

    /// <summary>Months between premiums; 0 for a single premium.</summary>
    public static int PeriodMonths(PaymentMode mode) => mode switch
    {
        PaymentMode.Monthly => 1,
        PaymentMode.Quarterly => 3,
        PaymentMode.SemiAnnual => 6,
        PaymentMode.Annual => 12,
        _ => 0,
    };

    /// <summary>The status in force on the as-of date, from the history (or the stored status when there is none).</summary>
    public ContractStatus StatusAsOf(ContractFacts c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Events.Count == 0)
        {
            return c.StatusDate <= asOf ? c.Status : ContractStatus.InForce;
        }
        var status = ContractStatus.InForce;
        foreach (var e in c.Events)
        {
            if (e.Date > asOf)
            {
                break;
            }
            status = e.To;
        }
        return status;
    }

    private static bool Paying(ContractStatus s) => s is ContractStatus.InForce or ContractStatus.Reinstated or ContractStatus.Applied;

    /// <summary>Premium due dates issue + k × period (k ≥ 0) strictly before <paramref name="until"/>.</summary>
    private static int DueBefore(ContractFacts c, DateOnly until)
    {
        if (until <= c.IssueDate)
        {
            return 0;
        }
        var period = PeriodMonths(c.PaymentMode);
        if (period == 0)
        {
            return 1;
        }
        var whole = PolicyMonths.Between(c.IssueDate, until);
        var months = c.IssueDate.AddMonths(whole) < until ? whole + 1 : whole;
        return (months + period - 1) / period;
    }

    public ContractValue Contract(ContractFacts c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var a = options.For(c.Family);
        var end = asOf.AddDays(1);
        if (c.MaturityDate is { } maturity && maturity < end)
        {
            end = maturity;
        }
        var yearOne = c.IssueDate.AddMonths(12);
        // Premium-paying spells: from issue (or reinstatement) to the next non-paying status.
        int paid = 0, paidYearOne = 0;
        DateOnly? open = c.IssueDate;
        void Close(DateOnly until)
        {
            if (open is { } s && until > s)
            {
                var u = until < end ? until : end;
                if (u > s)
                {
                    paid += DueBefore(c, u) - DueBefore(c, s);
                    var y = u < yearOne ? u : yearOne;
                    paidYearOne += y > s ? DueBefore(c, y) - DueBefore(c, s) : 0;
                }
            }
            open = null;
        }
        foreach (var e in c.Events)
        {
            if (e.Date > asOf)
            {
                break;
            }
            if (open is not null && !Paying(e.To))
            {
                Close(e.Date);
            }
            else if (open is null && Paying(e.To))
            {
                open = e.Date;
            }
        }
        Close(end);
        var premiums = c.Premium * paid;
        var acquisition = c.IssueDate <= asOf
            ? c.PaymentMode == PaymentMode.LumpSum
                ? c.Premium * options.SinglePremiumCommissionRate
                : a.AcquisitionMultiple * c.Premium * (12 / PeriodMonths(c.PaymentMode))
            : 0m;
        var renewal = a.RenewalCommissionRate * c.Premium * (paid - paidYearOne);
        var expenses = a.ExpenseRate * premiums;
        ValueComponent[] experienceParts =
        [
            new("premiums received", Won(premiums)),
            new("claims paid", -Won(c.ClaimsPaid)),
            new("acquisition commission", -Won(acquisition)),
            new("renewal commission", -Won(renewal)),
            new("expenses", -Won(expenses)),
        ];
        var experience = experienceParts.Sum(p => p.Amount);

        var status = StatusAsOf(c);
        ValueComponent[] currentParts = [];
        string? curveText = null;
        if (ContractLifecycle.IsActive(status) && c.IssueDate <= asOf)
        {
            var curve = curves.For(c.Family);
            curveText = Invariant($"{curve.Source} ({curve.Contracts} contracts)");
            currentParts = Project(c, a, curve, status);
        }
        var current = currentParts.Sum(p => p.Amount);
        return new ContractValue(c.Id, experience, current,
            new ContractValueExplanation(c.Id, c.Family, status, experience, current, experienceParts, currentParts, curveText));
    }

    private ValueComponent[] Project(ContractFacts c, FamilyAssumptions a, PersistencyCurve curve, ContractStatus status)
    {
        var age = PolicyMonths.Between(c.IssueDate, asOf);
        var term = c.MaturityDate is { } m ? PolicyMonths.Between(c.IssueDate, m) : int.MaxValue;
        var last = (int)Math.Min((long)age + (options.HorizonYears * 12L), term);
        var period = PeriodMonths(c.PaymentMode);
        var paying = status != ContractStatus.PaidUp && period > 0;
        var sNow = curve.Survival(age);
        if (sNow <= 0d)
        {
            return [];
        }
        double premiumFactor = 0d, renewalFactor = 0d, claimFactor = 0d, discount = 1d;
        for (var j = age + 1; j <= last; j++)
        {
            discount *= _monthlyDiscount;
            var weight = curve.Survival(j) / sNow * discount;
            claimFactor += weight;
            if (paying && j < term && j % period == 0)
            {
                premiumFactor += weight;
                if (j >= 12)
                {
                    renewalFactor += weight;
                }
            }
        }
        var premiums = c.Premium * (decimal)premiumFactor;
        return
        [
            new("expected premiums (PV)", Won(premiums)),
            new("expected claims (PV)", -Won(a.MonthlyClaimRate * c.SumAssured * (decimal)claimFactor)),
            new("renewal commission (PV)", -Won(a.RenewalCommissionRate * c.Premium * (decimal)renewalFactor)),
            new("expenses (PV)", -Won(a.ExpenseRate * premiums)),
        ];
    }

    /// <summary>A customer's value from the contracts they hold as policyholder.</summary>
    public CustomerValueResult Customer(CustomerFacts customer, IReadOnlyList<ContractFacts> contracts)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(contracts);
        var explained = new List<ContractValueExplanation>(contracts.Count);
        decimal experience = 0m, current = 0m;
        var held = new HashSet<ProductFamily>();
        foreach (var c in contracts)
        {
            var v = Contract(c);
            experience += v.Experience;
            current += v.Current;
            explained.Add(v.Explanation);
            if (ContractLifecycle.IsActive(v.Explanation.StatusAsOf))
            {
                held.Add(c.Family);
            }
        }
        var potentialParts = Potential(customer, held);
        var potential = potentialParts.Sum(p => p.Amount);
        var w = options.Weights;
        ValueComponent[] totalParts =
        [
            new(Invariant($"experience × {w.Experience}"), Won(w.Experience * experience)),
            new(Invariant($"current × {w.Current}"), Won(w.Current * current)),
            new(Invariant($"potential × {w.Potential}"), Won(w.Potential * potential)),
        ];
        var total = totalParts.Sum(p => p.Amount);
        return new CustomerValueResult(customer.Id, experience, current, potential, total,
            new CustomerValueExplanation(options.Purpose, w.Experience, w.Current, w.Potential, explained, potentialParts, totalParts));
    }

    private List<ValueComponent> Potential(CustomerFacts customer, HashSet<ProductFamily> held)
    {
        var parts = new List<ValueComponent>();
        if (customer.Kind != CustomerKind.Individual || customer.BirthDate is not { } birth)
        {
            return parts;
        }
        var age = asOf.Year - birth.Year - (asOf < birth.AddYears(asOf.Year - birth.Year) ? 1 : 0);
        foreach (var rule in options.EffectiveRules)
        {
            if (age >= rule.MinAge && age <= rule.MaxAge
                && !rule.MissingFamilies.Any(held.Contains)
                && (!rule.RequiresChildren || customer.Children > 0))
            {
                parts.Add(new ValueComponent(Invariant($"{rule.Name}: {rule.ExpectedProfit} × take-up {rule.TakeUpRate}"), Won(rule.ExpectedProfit * rule.TakeUpRate)));
            }
        }
        return parts;
    }

    private static decimal Won(decimal amount) => Math.Round(amount, 0, MidpointRounding.AwayFromZero);
}

/// <summary>
/// The fingerprint of everything a customer's value depends on as of a date, given the options and curves
/// of the run: the customer's kind, birth date, age on the date and children, and per contract its terms,
/// its status changes and claims up to the date, the whole policy months it has run and the premiums
/// due by then. Two dates with the same fingerprint give the same value, which is what lets an
/// incremental run copy a customer from its base run. FNV-1a over 64 bits.
/// </summary>
public static class ValueInputs
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static long Fingerprint(CustomerFacts customer, IReadOnlyList<ContractFacts> contracts, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(contracts);
        var h = Offset;
        Mix(ref h, (long)customer.Kind);
        Mix(ref h, customer.BirthDate?.DayNumber ?? -1);
        Mix(ref h, customer.BirthDate is { } b ? asOf.Year - b.Year - (asOf < b.AddYears(asOf.Year - b.Year) ? 1 : 0) : -1);
        Mix(ref h, customer.Children ?? -1);
        var nextDay = asOf.AddDays(1);
        foreach (var c in contracts)
        {
            Mix(ref h, c.Id);
            Mix(ref h, (long)c.Family);
            Mix(ref h, (long)c.PaymentMode);
            Mix(ref h, c.Premium);
            Mix(ref h, c.SumAssured);
            Mix(ref h, c.IssueDate.DayNumber);
            Mix(ref h, c.MaturityDate?.DayNumber ?? -1);
            // The stored status matters only for a contract without history, and only once it is dated.
            Mix(ref h, c.StatusDate <= asOf ? (long)c.Status : -1);
            Mix(ref h, c.StatusDate <= asOf ? c.StatusDate.DayNumber : -1);
            Mix(ref h, c.ClaimsPaid);
            var events = 0;
            foreach (var e in c.Events)
            {
                if (e.Date > asOf)
                {
                    break;
                }
                Mix(ref h, e.Date.DayNumber);
                Mix(ref h, (long)e.To);
                events++;
            }
            Mix(ref h, events);
            Mix(ref h, c.IssueDate <= asOf ? 1 : 0);
            Mix(ref h, PolicyMonths.Between(c.IssueDate, asOf));
            Mix(ref h, PolicyMonths.Between(c.IssueDate, nextDay));
            Mix(ref h, c.IssueDate.AddMonths(PolicyMonths.Between(c.IssueDate, nextDay)) < nextDay ? 1 : 0);
        }
        Mix(ref h, contracts.Count);
        return unchecked((long)h);
    }

    /// <summary>
    /// Why the customer cannot be valued: the first stored value outside <see cref="StoredRanges"/> (a reason
    /// code and, when it is a contract's, the contract id), or null. Such a customer is skipped by the run.
    /// </summary>
    public static (string Reason, long? ContractId)? Check(CustomerFacts customer, IReadOnlyList<ContractFacts> contracts)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(contracts);
        if (!StoredRanges.IsDate(customer.BirthDate))
        {
            return (SkipReason.BirthDate, null);
        }
        foreach (var c in contracts)
        {
            if (Check(c) is { } reason)
            {
                return (reason, c.Id);
            }
        }
        return null;
    }

    /// <summary>The reason a contract's stored values are out of range, or null.</summary>
    public static string? Check(ContractFacts contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return !StoredRanges.IsAmount(contract.Premium) ? SkipReason.Premium
            : !StoredRanges.IsAmount(contract.SumAssured) ? SkipReason.SumAssured
            : !StoredRanges.IsAmount(contract.ClaimsPaid) ? SkipReason.Claims
            : !StoredRanges.IsDate(contract.IssueDate) ? SkipReason.IssueDate
            : !StoredRanges.IsDate(contract.MaturityDate) ? SkipReason.MaturityDate
            : !StoredRanges.IsDate(contract.StatusDate) || contract.Events.Any(e => !StoredRanges.IsDate(e.Date)) ? SkipReason.StatusDate
            : null;
    }

    /// <summary>Whether every amount of the value fits the stored columns (numeric(18,0)).</summary>
    public static bool Fits(CustomerValueResult value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Math.Abs(value.Experience) <= StoredRanges.MaxStoredValue && Math.Abs(value.Current) <= StoredRanges.MaxStoredValue
            && Math.Abs(value.Potential) <= StoredRanges.MaxStoredValue && Math.Abs(value.Total) <= StoredRanges.MaxStoredValue;
    }

    private const decimal MaxHundredths = long.MaxValue / 100;

    // In hundredths, so that 1.0 and 1.00 (same amount, another scale) hash alike. An amount whose hundredths
    // do not fit a long (the run skips such a customer; the fingerprint must not throw first) mixes its bits.
    private static void Mix(ref ulong h, decimal value)
    {
        if (Math.Abs(value) <= MaxHundredths)
        {
            Mix(ref h, (long)decimal.Round(value * 100m));
            return;
        }
        foreach (var part in decimal.GetBits(value))
        {
            Mix(ref h, part);
        }
    }

    private static void Mix(ref ulong h, long value)
    {
        var v = unchecked((ulong)value);
        for (var i = 0; i < 8; i++)
        {
            h ^= (v >> (i * 8)) & 0xFF;
            h = unchecked(h * Prime);
        }
    }
}
