using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using InsureCrm.Analytics.Experiments;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Tests;

namespace InsureCrm.Core.Tests.Campaigns.Measurement;

/// <summary>Results against control from a planted list: rates, uplift and its interval, solicitations, cost, breakdowns and the files.</summary>
public sealed class ResultsTests
{
    private static readonly DateTime Now = new(2026, 5, 20, 1, 0, 0, DateTimeKind.Utc);
    private static readonly CrmUser Marketer = new(1, "marketer", Role.Marketer, null, null, null, "127.0.0.1");

    /// <summary>
    /// 200 Test and 100 Control members in two strata (A: first half of each arm, B: second half). Test: 30 responders in A,
    /// 10 in B; Control: 5 in A, 5 in B. 150 Test members were e-mailed (unit cost 10, offer 100 per contact), the
    /// first 150 by customer order. Each response is worth 1,000.
    /// </summary>
    private static async Task<long> SeedAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var offer = new Offer { Code = "GIFT", Name = "gift", Cost = 100, CostBasis = CostBasis.PerContact };
        ctx.Offers.Add(offer);
        var campaign = new Campaign
        {
            Code = "C-2026-009", Name = "results", Theme = "t", Objective = CampaignObjective.NewContract, WindowDays = 30,
            OwnerUserId = 1, AuthorUserId = 1, State = CampaignState.Measuring, StartsOn = new(2026, 3, 2), EndsOn = new(2026, 3, 31),
            ControlShare = 0.33m, SplitSeed = 1, CreatedAt = Now, UpdatedAt = Now, ExpectedLift = 0.05,
        };
        ctx.Campaigns.Add(campaign);
        await ctx.SaveChangesAsync();
        ctx.CampaignChannels.Add(new CampaignChannel { CampaignId = campaign.Id, Channel = CampaignChannelKind.Email, Rank = 1, OfferId = offer.Id, UnitCost = 10 });
        var customers = Enumerable.Range(0, 300).Select(_ => new Customer { Name = "r", NameScript = NameScript.Latin, CreatedAt = Now, UpdatedAt = Now }).ToList();
        ctx.Customers.AddRange(customers);
        await ctx.SaveChangesAsync();
        long eventId = 1;
        for (var i = 0; i < 300; i++)
        {
            var test = i < 200;
            var half = test ? (i < 100 ? "A" : "B") : (i < 250 ? "A" : "B");
            var arm = test ? CampaignArm.Test : CampaignArm.Control;
            var id = customers[i].Id;
            ctx.CampaignMembers.Add(new CampaignMember
            {
                CampaignId = campaign.Id, CustomerId = id, Arm = arm, Stratum = $"CrossSell/{half}", SplitHash = i,
                PlannedChannel = CampaignChannelKind.Email, OfferId = offer.Id,
            });
            var responds = test ? (i < 30 || (i >= 100 && i < 110)) : (i is >= 200 and < 205 or >= 250 and < 255);
            if (responds)
            {
                ctx.CampaignResponses.Add(new CampaignResponse
                {
                    CampaignId = campaign.Id, Kind = CampaignObjective.NewContract, EventId = eventId++, CustomerId = id, Arm = arm,
                    Stratum = $"CrossSell/{half}", EventDate = i % 2 == 0 ? new(2026, 3, 10) : new(2026, 3, 17), Revenue = 1_000,
                });
            }
            if (test && i < 150)
            {
                ctx.CampaignContacts.Add(new CampaignContact
                {
                    CampaignId = campaign.Id, CustomerId = id, Channel = CampaignChannelKind.Email, Attempt = 1,
                    IdemKey = CampaignContact.KeyOf(campaign.Id, id, CampaignChannelKind.Email, 1), State = CampaignContactState.Sent,
                    PlannedAt = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc), SentAt = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc), OfferId = offer.Id,
                });
            }
        }
        // A blocked contact is no solicitation and costs nothing.
        ctx.CampaignContacts.Add(new CampaignContact
        {
            CampaignId = campaign.Id, CustomerId = customers[199].Id, Channel = CampaignChannelKind.Email, Attempt = 1,
            IdemKey = CampaignContact.KeyOf(campaign.Id, customers[199].Id, CampaignChannelKind.Email, 1), State = CampaignContactState.Blocked,
            Reasons = "NoConsent", PlannedAt = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc),
        });
        await ctx.SaveChangesAsync();
        return campaign.Id;
    }

    private static Core.Campaigns.Measurement.CampaignResultsService Service(TestDatabase db) =>
        new(db.Database, new Core.Campaigns.Measurement.CampaignAttribution(db.Database, new CampaignsOptions(), TimeProvider.System));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ResultsAsync_Total_ShowsRatesUpliftSolicitationsAndCost(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var id = await SeedAsync(db);

        var results = (await Service(db).ResultsAsync(Marketer, id, ResultBreakdown.Total)).Value!;

        var total = results.Total;
        total.Test.Members.ShouldBe(200);
        total.Control.Members.ShouldBe(100);
        total.Test.Responders.ShouldBe(40);
        total.Control.Responders.ShouldBe(10);
        total.Test.ResponseRate.Value.ShouldBe(0.2, 1e-12);
        total.Test.Solicitations.ShouldBe(150);
        total.Test.HitRatio!.Value.ShouldBe(40.0 / 150, 1e-12); // every Test responder was among the first 150 e-mailed
        total.Control.HitRatio.ShouldBeNull();
        total.Comparison.Uplift.Value.ShouldBe(0.1, 1e-12);
        var newcombe = TwoProportion.DifferenceInterval(40, 200, 10, 100);
        total.Comparison.Uplift.Lower.ShouldBe(newcombe.Lower, 1e-12);
        total.Comparison.Uplift.Upper.ShouldBe(newcombe.Upper, 1e-12);
        total.Comparison.Significant.ShouldBe(total.Comparison.PValue < 0.05);
        total.Comparison.IncrementalResponses.ShouldBe(20, 1e-9);
        total.Comparison.IncrementalRevenue.Value.ShouldBe(20 * 1_000, 1e-6);
        total.Comparison.Cost.ShouldBe(150 * (10m + 100m));
        total.Comparison.Roi!.Value.ShouldBe((20_000.0 - 16_500) / 16_500, 1e-9);
        total.Comparison.TargetLift.ShouldBe(0.05);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ResultsAsync_ByStratumAndWeek_RowsAddUpToTheTotal(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var id = await SeedAsync(db);
        var service = Service(db);

        var strata = (await service.ResultsAsync(Marketer, id, ResultBreakdown.Stratum)).Value!;
        var weeks = (await service.ResultsAsync(Marketer, id, ResultBreakdown.Week)).Value!;

        strata.Rows.Select(r => r.Key).ShouldBe(["CrossSell/A", "CrossSell/B"]);
        strata.Rows[0].Comparison.Uplift.Value.ShouldBe(0.3 - 0.1, 1e-12);
        strata.Rows[1].Comparison.Uplift.Value.ShouldBe(0.1 - 0.1, 1e-12);
        strata.Rows[1].Comparison.Significant.ShouldBeFalse();
        strata.Uncorrected.ShouldBeTrue();
        weeks.Rows.Select(r => r.Key).ShouldBe(["2026-03-02", "2026-03-09", "2026-03-16"]);
        weeks.Rows.Sum(r => r.Test.Responders).ShouldBe(40);
        weeks.Rows.Sum(r => r.Control.Responders).ShouldBe(10);
        weeks.Rows[0].Test.Solicitations.ShouldBe(150);
        weeks.Rows.ShouldAllBe(r => r.Test.Members == 200);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ExportAsync_CsvAndXlsx_HoldEveryBreakdownWithNumbersAsNumbers(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var id = await SeedAsync(db);
        var service = Service(db);

        using var csv = new MemoryStream();
        var csvName = await service.ExportAsync(Marketer, id, ResultFileFormat.Csv, csv);
        using var xlsx = new MemoryStream();
        var xlsxName = await service.ExportAsync(Marketer, id, ResultFileFormat.Xlsx, xlsx);

        csvName.Value.ShouldBe("C-2026-009-results.csv");
        xlsxName.Value.ShouldBe("C-2026-009-results.xlsx");
        var lines = Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("breakdown,key,test_members");
        var total = lines.Single(l => l.StartsWith("Total,", StringComparison.Ordinal)).Split(',');
        total[2].ShouldBe("200");
        double.Parse(total[18], CultureInfo.InvariantCulture).ShouldBe(0.1, 1e-12);
        lines.Count(l => l.StartsWith("Stratum,", StringComparison.Ordinal)).ShouldBe(2);

        xlsx.Position = 0;
        using var document = SpreadsheetDocument.Open(xlsx, false);
        var workbook = document.WorkbookPart!;
        var sheets = workbook.Workbook.Sheets!.Elements<Sheet>().ToList();
        sheets.Select(s => s.Name!.Value).ShouldBe(Enum.GetNames<ResultBreakdown>());
        var totalSheet = (WorksheetPart)workbook.GetPartById(sheets[0].Id!);
        var row = totalSheet.Worksheet.Descendants<Row>().Skip(1).First().Elements<Cell>().ToList();
        row[2].DataType!.Value.ShouldBe(CellValues.Number);
        row[2].CellValue!.Text.ShouldBe("200");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ResultsAsync_AgentRoleOrUnknownCampaign_IsRefused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var id = await SeedAsync(db);
        var agent = new CrmUser(2, "agent", Role.Agent, 5, 1, null, "127.0.0.1");

        (await Service(db).ResultsAsync(agent, id, ResultBreakdown.Total)).Outcome.ShouldBe(CampaignOutcome.Forbidden);
        (await Service(db).ResultsAsync(Marketer, id + 1, ResultBreakdown.Total)).Outcome.ShouldBe(CampaignOutcome.NotFound);
    }
}
