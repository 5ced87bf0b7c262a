using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Synthetic;

/// <summary>Who a product is sold to.</summary>
internal enum Market { Person, Corporate }

/// <summary>
/// One product of the synthetic catalogue with what the generator needs to sell it: the premium range
/// (monthly for regular premiums, per year for annual ones, the single premium for lump sums), the
/// sum-assured range and the ages it is sold at.
/// </summary>
internal sealed record ProductSpec(
    string Code, string Name, ProductLine Line, ProductFamily Family, bool IsRider, int? TermYears,
    PaymentMode Mode, decimal PremiumMin, decimal PremiumMax, decimal SumMin, decimal SumMax,
    int MinAge, int MaxAge, double Weight, Market Market = Market.Person)
{
    /// <summary>Database id: products are written first with ids 1..n in catalogue order.</summary>
    public long Id { get; init; }

    public bool HasDeathCover => Family is ProductFamily.WholeLife or ProductFamily.VariableWholeLife
        or ProductFamily.Universal or ProductFamily.CriticalIllness or ProductFamily.Variable;

    /// <summary>Contracts that build up a cash value and can be made paid-up (감액완납).</summary>
    public bool CanBePaidUp => Family is ProductFamily.WholeLife or ProductFamily.VariableWholeLife or ProductFamily.Universal;

    public bool IsSavingsLike => Family is ProductFamily.Savings or ProductFamily.Annuity or ProductFamily.Variable;

    /// <summary>Premiums per year, for the premium burden.</summary>
    public decimal AnnualFactor => Mode switch
    {
        PaymentMode.Monthly => 12m,
        PaymentMode.Quarterly => 4m,
        PaymentMode.SemiAnnual => 2m,
        PaymentMode.Annual => 1m,
        _ => 0m,
    };
}

/// <summary>The catalogue: 36 products over the 15 product families, riders and loans included.</summary>
internal static class ProductCatalog
{
    public static readonly IReadOnlyList<ProductSpec> All = Number(
    [
        // Life: protection
        new("LWL001", "무배당 라이프케어 종신보험", ProductLine.Life, ProductFamily.WholeLife, false, null, PaymentMode.Monthly, 100_000, 300_000, 50_000_000, 200_000_000, 25, 60, 10),
        new("LWL002", "무배당 간편심사 종신보험", ProductLine.Life, ProductFamily.WholeLife, false, null, PaymentMode.Monthly, 120_000, 300_000, 30_000_000, 100_000_000, 45, 75, 4),
        new("LVW001", "무배당 변액종신보험 플러스", ProductLine.Life, ProductFamily.VariableWholeLife, false, null, PaymentMode.Monthly, 150_000, 400_000, 100_000_000, 300_000_000, 28, 60, 4),
        new("LVA001", "변액적립보험 글로벌펀드형", ProductLine.Life, ProductFamily.Variable, false, 20, PaymentMode.Monthly, 200_000, 1_000_000, 10_000_000, 50_000_000, 25, 60, 3),
        new("LVA002", "변액유니버셜 적립형", ProductLine.Life, ProductFamily.Variable, false, 15, PaymentMode.Monthly, 300_000, 1_000_000, 10_000_000, 50_000_000, 28, 60, 2),
        new("LUL001", "무배당 유니버셜종신보험", ProductLine.Life, ProductFamily.Universal, false, null, PaymentMode.Monthly, 100_000, 250_000, 50_000_000, 150_000_000, 25, 60, 4),
        new("LCI001", "무배당 CI보험", ProductLine.Life, ProductFamily.CriticalIllness, false, 30, PaymentMode.Monthly, 80_000, 200_000, 30_000_000, 100_000_000, 25, 60, 5),
        new("LCI002", "3대질병 진단보험", ProductLine.Life, ProductFamily.CriticalIllness, false, 20, PaymentMode.Monthly, 40_000, 100_000, 20_000_000, 50_000_000, 30, 70, 5),
        new("LHE001", "무배당 건강보험 100세", ProductLine.Life, ProductFamily.Health, false, 20, PaymentMode.Monthly, 50_000, 120_000, 10_000_000, 30_000_000, 20, 70, 7),
        new("LCA001", "무배당 암보험", ProductLine.Life, ProductFamily.Cancer, false, 20, PaymentMode.Monthly, 30_000, 60_000, 20_000_000, 50_000_000, 20, 70, 10),
        new("LCA002", "간편가입 암보험", ProductLine.Life, ProductFamily.Cancer, false, 10, PaymentMode.Monthly, 40_000, 70_000, 10_000_000, 30_000_000, 50, 80, 3),
        // Life: retirement and savings
        new("LAN001", "연금저축보험", ProductLine.Life, ProductFamily.Annuity, false, 20, PaymentMode.Monthly, 100_000, 500_000, 20_000_000, 120_000_000, 30, 60, 5),
        new("LAN002", "무배당 즉시연금보험", ProductLine.Life, ProductFamily.Annuity, false, 10, PaymentMode.LumpSum, 30_000_000, 300_000_000, 30_000_000, 300_000_000, 55, 80, 1),
        new("LSV001", "무배당 저축보험", ProductLine.Life, ProductFamily.Savings, false, 10, PaymentMode.Monthly, 200_000, 1_000_000, 24_000_000, 120_000_000, 22, 60, 5),
        new("LSV002", "무배당 5년납 목돈마련 저축보험", ProductLine.Life, ProductFamily.Savings, false, 5, PaymentMode.Monthly, 200_000, 800_000, 12_000_000, 48_000_000, 22, 55, 3),
        // Non-life
        new("NHE001", "실손의료보험", ProductLine.NonLife, ProductFamily.Health, false, 15, PaymentMode.Monthly, 15_000, 60_000, 50_000_000, 50_000_000, 0, 75, 9),
        new("NAC001", "무배당 상해보험", ProductLine.NonLife, ProductFamily.Accident, false, 10, PaymentMode.Monthly, 15_000, 40_000, 30_000_000, 100_000_000, 20, 65, 5),
        new("NCH001", "무배당 어린이보험", ProductLine.NonLife, ProductFamily.Child, false, 20, PaymentMode.Monthly, 30_000, 80_000, 20_000_000, 50_000_000, 0, 15, 8),
        new("NCH002", "무배당 태아·어린이 종합보험", ProductLine.NonLife, ProductFamily.Child, false, 30, PaymentMode.Monthly, 40_000, 80_000, 30_000_000, 50_000_000, 0, 5, 4),
        new("NAU001", "개인용 자동차보험", ProductLine.NonLife, ProductFamily.Auto, false, 1, PaymentMode.Annual, 600_000, 1_200_000, 100_000_000, 200_000_000, 21, 80, 6),
        new("NFI001", "무배당 주택화재보험", ProductLine.NonLife, ProductFamily.Fire, false, 3, PaymentMode.Monthly, 10_000, 30_000, 100_000_000, 500_000_000, 28, 80, 2),
        new("NAU002", "업무용 자동차보험", ProductLine.NonLife, ProductFamily.Auto, false, 1, PaymentMode.Annual, 900_000, 2_500_000, 200_000_000, 500_000_000, 0, 200, 5, Market.Corporate),
        new("NFI002", "기업 재산종합보험", ProductLine.NonLife, ProductFamily.Fire, false, 1, PaymentMode.Annual, 2_000_000, 20_000_000, 1_000_000_000, 10_000_000_000, 0, 200, 4, Market.Corporate),
        new("NAC002", "단체상해보험", ProductLine.NonLife, ProductFamily.Accident, false, 1, PaymentMode.Annual, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 0, 200, 3, Market.Corporate),
        // Loans
        new("KCR001", "직장인 신용대출", ProductLine.Loan, ProductFamily.CreditLoan, false, 3, PaymentMode.Monthly, 0, 0, 5_000_000, 50_000_000, 25, 60, 5),
        new("KCR002", "우량고객 신용대출", ProductLine.Loan, ProductFamily.CreditLoan, false, 1, PaymentMode.Monthly, 0, 0, 10_000_000, 100_000_000, 30, 65, 2),
        new("KSC001", "주택담보대출", ProductLine.Loan, ProductFamily.SecuredLoan, false, 30, PaymentMode.Monthly, 0, 0, 100_000_000, 500_000_000, 30, 65, 3),
        new("KSC002", "보험계약대출", ProductLine.Loan, ProductFamily.SecuredLoan, false, 1, PaymentMode.Monthly, 0, 0, 1_000_000, 20_000_000, 25, 80, 3),
        // Riders (never sold alone)
        new("RCA001", "암진단특약", ProductLine.Life, ProductFamily.Cancer, true, 20, PaymentMode.Monthly, 8_000, 25_000, 10_000_000, 30_000_000, 0, 80, 1),
        new("RCI001", "뇌혈관질환진단특약", ProductLine.Life, ProductFamily.CriticalIllness, true, 20, PaymentMode.Monthly, 5_000, 20_000, 10_000_000, 20_000_000, 0, 80, 1),
        new("RCI002", "허혈성심장질환진단특약", ProductLine.Life, ProductFamily.CriticalIllness, true, 20, PaymentMode.Monthly, 5_000, 20_000, 10_000_000, 20_000_000, 0, 80, 1),
        new("RAC001", "재해사망특약", ProductLine.Life, ProductFamily.Accident, true, 20, PaymentMode.Monthly, 3_000, 10_000, 10_000_000, 100_000_000, 0, 80, 1),
        new("RAC002", "골절진단특약", ProductLine.NonLife, ProductFamily.Accident, true, 20, PaymentMode.Monthly, 2_000, 8_000, 300_000, 1_000_000, 0, 80, 1),
        new("RHE001", "질병입원일당특약", ProductLine.Life, ProductFamily.Health, true, 20, PaymentMode.Monthly, 5_000, 15_000, 10_000, 50_000, 0, 80, 1),
        new("RHE002", "수술비특약", ProductLine.Life, ProductFamily.Health, true, 20, PaymentMode.Monthly, 4_000, 15_000, 300_000, 2_000_000, 0, 80, 1),
        new("RCH001", "자녀입원특약", ProductLine.NonLife, ProductFamily.Child, true, 20, PaymentMode.Monthly, 3_000, 10_000, 10_000, 30_000, 0, 15, 1),
    ]);

    private static readonly Dictionary<string, ProductSpec> ByCodeMap = All.ToDictionary(p => p.Code, StringComparer.Ordinal);

    private static readonly Dictionary<ProductFamily, ProductSpec[]> Riders = new()
    {
        [ProductFamily.WholeLife] = RidersOf("RCA001", "RCI001", "RCI002", "RAC001", "RHE001"),
        [ProductFamily.VariableWholeLife] = RidersOf("RCA001", "RCI001", "RCI002", "RAC001"),
        [ProductFamily.Universal] = RidersOf("RCA001", "RCI001", "RAC001", "RHE001"),
        [ProductFamily.CriticalIllness] = RidersOf("RCA001", "RHE002"),
        [ProductFamily.Health] = RidersOf("RHE001", "RHE002", "RAC002"),
        [ProductFamily.Cancer] = RidersOf("RHE002"),
        [ProductFamily.Accident] = RidersOf("RAC002"),
        [ProductFamily.Child] = RidersOf("RCH001", "RAC002"),
    };

    public static ProductSpec ByCode(string code) => ByCodeMap[code];

    /// <summary>The riders that may be attached to a main product of a family.</summary>
    public static IReadOnlyList<ProductSpec> RidersFor(ProductFamily family) => Riders.TryGetValue(family, out var r) ? r : [];

    private static ProductSpec[] RidersOf(params string[] codes) => [.. codes.Select(c => ByCodeMap[c])];

    private static ProductSpec[] Number(ProductSpec[] specs) => [.. specs.Select((s, i) => s with { Id = i + 1 })];
}
