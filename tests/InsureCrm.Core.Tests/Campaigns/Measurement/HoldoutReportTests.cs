using InsureCrm.Analytics.Experiments;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Measurement;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Tests;

namespace InsureCrm.Core.Tests.Campaigns.Measurement;

/// <summary>
/// The universal holdout's yearly report on a planted book: the holdout buys at 5 %, the rest at 15 %, so marketing's
/// true effect is 10 points on every marketed customer; every sale is worth 12 × 100,000.
/// </summary>
public sealed class HoldoutReportTests
{
    private static readonly DateTime Now = new(2026, 6, 30, 1, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Joined = new(2025, 1, 10, 0, 0, 0, DateTimeKind.Utc);
    private static readonly CrmUser Marketer = new(1, "marketer", Role.Marketer, null, null, null, "127.0.0.1");
    private const decimal Sale = 1_200_000m;
    private const decimal UnitCost = 100m;
    private const int Contacted = 300;

    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc);
    }

    private static CampaignResultsService Service(TestDatabase db) =>
        new(db.Database, new Core.Campaigns.Measurement.CampaignAttribution(db.Database, new CampaignsOptions(), new FixedClock(Now)));

    private sealed record Book(int Holdout, int Rest, int HoldoutBuyers, int RestBuyers);

    /// <summary>
    /// 2,000 customers; the 2026 holdout (share <paramref name="share"/>) buys a Health contract at 5 %, the rest at 15 %
    /// (in 2026, by 30 June). Noise the report must ignore: an Auto contract (not the campaign's family), a 2025 sale and
    /// a sale cancelled before today. One Closed campaign of 2026 e-mailed 300 of the rest at 100 each.
    /// </summary>
    private static async Task<Book> SeedAsync(TestDatabase db, decimal share, bool campaign = true)
    {
        await using var ctx = db.CreateContext();
        var holdoutYear = new HoldoutYear { Year = 2026, Share = share, Salt = 20260101, CreatedAt = Now, CreatedBy = "marketer" };
        ctx.Set<HoldoutYear>().Add(holdoutYear);
        var health = new Product { Code = "PH", Name = "health", Line = ProductLine.Life, Family = ProductFamily.Health };
        var auto = new Product { Code = "PA", Name = "auto", Line = ProductLine.NonLife, Family = ProductFamily.Auto };
        ctx.Products.AddRange(health, auto);
        var customers = Enumerable.Range(0, 2000).Select(_ => new Customer { Name = "h", NameScript = NameScript.Latin, CreatedAt = Joined, UpdatedAt = Joined }).ToList();
        ctx.Customers.AddRange(customers);
        await ctx.SaveChangesAsync();

        var held = customers.Where(c => UniversalHoldout.Contains(holdoutYear, c.Id)).ToList();
        var rest = customers.Where(c => !UniversalHoldout.Contains(holdoutYear, c.Id)).ToList();
        var holdoutBuyers = held.Count / 20;
        var restBuyers = rest.Count * 15 / 100;
        Contract Sell(Customer c, Product p, string issued, ContractStatus status = ContractStatus.InForce, string? statusDate = null) => new()
        {
            ContractNumber = "C" + Guid.NewGuid().ToString("N")[..10], ProductId = p.Id, CustomerId = c.Id, SumAssured = 10_000_000m,
            Premium = 100_000m, PaymentMode = PaymentMode.Monthly, IssueDate = DateOnly.Parse(issued, System.Globalization.CultureInfo.InvariantCulture),
            Status = status, StatusDate = DateOnly.Parse(statusDate ?? issued, System.Globalization.CultureInfo.InvariantCulture),
        };
        ctx.Contracts.AddRange(held.Take(holdoutBuyers).Select(c => Sell(c, health, "2026-04-15")));
        ctx.Contracts.AddRange(rest.Take(restBuyers).Select(c => Sell(c, health, "2026-03-20")));
        var others = rest.Skip(restBuyers).ToList();
        ctx.Contracts.AddRange(
            Sell(others[0], auto, "2026-03-20"),
            Sell(others[1], health, "2025-12-31"),
            Sell(others[2], health, "2026-02-01", ContractStatus.Cancelled, "2026-03-01"),
            Sell(others[3], health, "2026-07-01")); // after today

        if (campaign)
        {
            var c = new Campaign
            {
                Code = "C-2026-010", Name = "holdout", Theme = "t", Objective = CampaignObjective.NewContract, ObjectiveFamilies = "Health",
                WindowDays = 30, OwnerUserId = 1, AuthorUserId = 1, State = CampaignState.Closed, StartsOn = new(2026, 3, 2),
                EndsOn = new(2026, 3, 31), ControlShare = 0.2m, SplitSeed = 1, CreatedAt = Now, UpdatedAt = Now,
            };
            ctx.Campaigns.Add(c);
            await ctx.SaveChangesAsync();
            ctx.CampaignChannels.Add(new CampaignChannel { CampaignId = c.Id, Channel = CampaignChannelKind.Email, Rank = 1, UnitCost = UnitCost });
            foreach (var m in rest.Take(Contacted))
            {
                ctx.CampaignMembers.Add(new CampaignMember { CampaignId = c.Id, CustomerId = m.Id, Arm = CampaignArm.Test, Stratum = "CrossSell/A", SplitHash = m.Id, PlannedChannel = CampaignChannelKind.Email });
                ctx.CampaignContacts.Add(new CampaignContact
                {
                    CampaignId = c.Id, CustomerId = m.Id, Channel = CampaignChannelKind.Email, Attempt = 1,
                    IdemKey = CampaignContact.KeyOf(c.Id, m.Id, CampaignChannelKind.Email, 1), State = CampaignContactState.Sent,
                    PlannedAt = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc), SentAt = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc),
                });
            }
        }
        await ctx.SaveChangesAsync();
        return new Book(held.Count, rest.Count, holdoutBuyers, restBuyers);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task HoldoutAsync_PlantedTenPointEffect_ReportsIncrementalResponsesAndProfitWithIntervals(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var book = await SeedAsync(db, share: 0.2m);

        var result = await Service(db).HoldoutAsync(Marketer, 2026);

        result.IsOk.ShouldBeTrue(result.Message);
        var report = result.Value!;
        (report.From, report.To).ShouldBe((new DateOnly(2026, 1, 1), new DateOnly(2026, 6, 30)));
        report.Objectives.ShouldBe(["NewContract"]);
        report.Campaigns.ShouldBe(1);
        report.Currency.ShouldBe("KRW");
        report.Holdout.Members.ShouldBe(book.Holdout);
        report.Rest.Members.ShouldBe(book.Rest);
        report.Holdout.Responders.ShouldBe(book.HoldoutBuyers);
        report.Rest.Responders.ShouldBe(book.RestBuyers);

        // The rate difference and its Newcombe interval, scaled to the marketed rest.
        var newcombe = TwoProportion.DifferenceInterval(book.RestBuyers, book.Rest, book.HoldoutBuyers, book.Holdout);
        var difference = (double)book.RestBuyers / book.Rest - (double)book.HoldoutBuyers / book.Holdout;
        report.Comparison.Uplift.Value.ShouldBe(difference, 1e-12);
        report.Comparison.Uplift.Lower.ShouldBe(newcombe.Lower, 1e-12);
        report.Totals.IncrementalResponses.Value.ShouldBe(difference * book.Rest, 1e-9);
        report.Totals.IncrementalResponses.Lower.ShouldBe(newcombe.Lower * book.Rest, 1e-9);
        report.Totals.IncrementalResponses.Upper.ShouldBe(newcombe.Upper * book.Rest, 1e-9);
        var truth = (0.15 - 0.05) * book.Rest;
        report.Totals.IncrementalResponses.Lower.ShouldBeLessThanOrEqualTo(truth);
        report.Totals.IncrementalResponses.Upper.ShouldBeGreaterThanOrEqualTo(truth);
        report.Totals.IncrementalResponses.ExcludesZero.ShouldBeTrue();
        report.Comparison.Significant.ShouldBeTrue();

        // Revenue per customer by Welch, times the rest; less the campaign's cost.
        report.Totals.RevenuePerCustomerHoldout.ShouldBe(book.HoldoutBuyers * Sale / book.Holdout);
        report.Totals.RevenuePerCustomerRest.ShouldBe(book.RestBuyers * Sale / book.Rest);
        static IEnumerable<double> Values(int buyers, int n) => Enumerable.Range(0, n).Select(i => i < buyers ? (double)Sale : 0);
        var welch = MeanDifference.Welch(SampleSummary.Of(Values(book.RestBuyers, book.Rest)), SampleSummary.Of(Values(book.HoldoutBuyers, book.Holdout)));
        var cost = Contacted * UnitCost;
        report.Comparison.Cost.ShouldBe(cost);
        report.Comparison.IncrementalRevenue.Value.ShouldBe(difference * book.Rest * (double)Sale, 1e-3);
        report.Comparison.IncrementalRevenue.Lower.ShouldBe(welch.Interval.Lower * book.Rest, 1e-3);
        report.Totals.IncrementalProfit.Value.ShouldBe(difference * book.Rest * (double)Sale - (double)cost, 1e-3);
        report.Totals.IncrementalProfit.Upper.ShouldBe(welch.Interval.Upper * book.Rest - (double)cost, 1e-3);
        var trueProfit = truth * (double)Sale - (double)cost;
        report.Totals.IncrementalProfit.Lower.ShouldBeLessThanOrEqualTo(trueProfit);
        report.Totals.IncrementalProfit.Upper.ShouldBeGreaterThanOrEqualTo(trueProfit);
        report.Totals.IncrementalProfit.ExcludesZero.ShouldBeTrue();
        report.Comparison.Roi!.Value.ShouldBe(Roi.Ratio((decimal)report.Comparison.IncrementalRevenue.Value, cost)!.Value, 1e-9);
        report.Totals.Roi!.Value.ShouldBe(report.Comparison.Roi.Value, 1e-12);
        report.Totals.Roi.Lower.ShouldBe(report.Totals.IncrementalProfit.Lower / (double)cost, 1e-9);
        report.Totals.Roi.Upper.ShouldBe(report.Totals.IncrementalProfit.Upper / (double)cost, 1e-9);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task HoldoutAsync_HoldoutWithNoCustomers_SaysSoInsteadOfNaN(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db, share: 0m);

        var result = await Service(db).HoldoutAsync(Marketer, 2026);

        result.Outcome.ShouldBe(CampaignOutcome.Conflict);
        result.Message.ShouldBe("The universal holdout of 2026 (share 0.0 %) holds none of the book's 2000 customers: marketing's effect cannot be measured against it.");
        result.Message!.ShouldNotContain("NaN");
    }

    [Fact]
    public async Task HoldoutAsync_YearWithoutHoldoutOrCampaigns_SaysWhy()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await SeedAsync(db, share: 0.05m, campaign: false);
        await using (var ctx = db.CreateContext())
        {
            // Cancelled before it contacted anyone: it did not run.
            ctx.Campaigns.Add(new Campaign
            {
                Code = "C-2026-011", Name = "cancelled", Theme = "t", Objective = CampaignObjective.Loan, WindowDays = 30, OwnerUserId = 1,
                AuthorUserId = 1, State = CampaignState.Cancelled, StartsOn = new(2026, 4, 1), EndsOn = new(2026, 4, 30), ControlShare = 0.2m,
                SplitSeed = 1, CreatedAt = Now, UpdatedAt = Now,
            });
            await ctx.SaveChangesAsync();
        }
        var service = Service(db);

        (await service.HoldoutAsync(Marketer, 2025)).Message.ShouldBe("No universal holdout was drawn for 2025: it is drawn when the year's first campaign is split.");
        (await service.HoldoutAsync(Marketer, 2026)).Message.ShouldBe("No campaign ran in 2026: marketing had no effect to measure against the holdout.");
        (await service.HoldoutAsync(Marketer, 2027)).Message.ShouldBe("2027 has not begun: there is nothing to measure yet.");
    }

    [Fact]
    public async Task HoldoutAsync_BranchManager_IsForbiddenTheCompanyWideReport()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await SeedAsync(db, share: 0.2m);

        var result = await Service(db).HoldoutAsync(new CrmUser(2, "bm", Role.BranchManager, null, 7, null, "127.0.0.1"), 2026);

        result.Outcome.ShouldBe(CampaignOutcome.Forbidden);
    }
}
