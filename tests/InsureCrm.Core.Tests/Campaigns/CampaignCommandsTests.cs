using InsureCrm.Cli;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Campaigns;

/// <summary>The <c>campaign</c> verbs that read campaigns; they swap the console, so they run with the other console tests.</summary>
[Collection(nameof(ConsoleSwappingTests))]
public sealed class CampaignCommandsTests
{
    private static readonly DateTime Now = new(2026, 11, 2, 1, 0, 0, DateTimeKind.Utc);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CampaignListAndShow_ForMarketer_PrintTheStoredCampaignsAndRefuseBadStateAndAgents(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        (await RunAsync(db, "users", "add", "boss", "--role", "Admin")).Code.ShouldBe(0);
        var added = await RunAsync(db, "users", "add", "mkt-lee", "--role", "Marketer", "--as", "boss");
        added.Code.ShouldBe(0, added.Err);
        (await RunAsync(db, "users", "add", "cc-park", "--role", "CallCenter", "--as", "boss")).Code.ShouldBe(0);
        var draft = await InsertAsync(db, "C-2026-031", "Annuity pilot", CampaignState.Draft);
        var running = await InsertAsync(db, "C-2026-032", "Loan win-back", CampaignState.Running);
        await using (var ctx = db.CreateContext())
        {
            ctx.CampaignSplits.Add(new CampaignSplit
            {
                CampaignId = running, AsOf = new DateOnly(2026, 10, 31), Seed = 99, ControlShare = 0.1m, Candidates = 5_000, Test = 4_410, Control = 490,
                ExcludedHoldout = 100, CreatedAt = Now, CreatedBy = "mkt-lee",
            });
            await ctx.SaveChangesAsync();
        }

        var all = await RunAsync(db, "campaign", "list", "--as", "mkt-lee");
        all.Code.ShouldBe(0);
        var lines = all.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Length.ShouldBe(3);
        lines.ShouldContain(l => l.StartsWith($"{running}\tC-2026-032\tRunning\t", StringComparison.Ordinal) && l.Contains("\t4410\t490\t", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith($"{draft}\tC-2026-031\tDraft\t", StringComparison.Ordinal) && l.Contains("\t-\t-\t", StringComparison.Ordinal));

        var runningOnly = await RunAsync(db, "campaign", "list", "--state", "running", "--as", "mkt-lee");
        runningOnly.Code.ShouldBe(0);
        runningOnly.Out.ShouldContain("C-2026-032");
        runningOnly.Out.ShouldNotContain("C-2026-031");

        var bad = await RunAsync(db, "campaign", "list", "--state", "Sleeping", "--as", "mkt-lee");
        bad.Code.ShouldBe(1);
        bad.Err.ShouldContain("'Sleeping'");

        var show = await RunAsync(db, "campaign", "show", running.ToString(System.Globalization.CultureInfo.InvariantCulture), "--as", "mkt-lee");
        show.Code.ShouldBe(0);
        show.Out.ShouldContain("C-2026-032 Loan win-back [Running]");
        show.Out.ShouldContain("candidates 5000, test 4410, control 490, excluded holdout 100");
        (await RunAsync(db, "campaign", "show", "987654", "--as", "mkt-lee")).Code.ShouldBe(1);

        // The call center works lists, not campaigns.
        var agent = await RunAsync(db, "campaign", "list", "--as", "cc-park");
        agent.Code.ShouldBe(1);
        agent.Out.ShouldNotContain("C-2026");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CampaignStartAndDm_ForMarketer_StartTheApprovedCampaignAndWriteTheDmFile_RefusingBadInputWithoutAFile(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        (await RunAsync(db, "users", "add", "boss", "--role", "Admin")).Code.ShouldBe(0);
        (await RunAsync(db, "users", "add", "mkt-lee", "--role", "Marketer", "--as", "boss")).Code.ShouldBe(0);
        var campaignId = await InsertAsync(db, "C-2026-041", "DM pilot", CampaignState.Approved);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        long customerId;
        await using (var ctx = db.CreateContext())
        {
            var campaign = await ctx.Campaigns.SingleAsync(c => c.Id == campaignId);
            campaign.StartsOn = today.AddDays(-1);
            campaign.EndsOn = today.AddDays(30);
            ctx.CampaignSplits.Add(new CampaignSplit { CampaignId = campaignId, AsOf = today, Seed = 99, ControlShare = 0.1m, Candidates = 1, Test = 1, CreatedAt = Now, CreatedBy = "mkt-lee" });
            var customer = new Customer { Name = "김민지", NameScript = NameScript.Hangul, CreatedAt = Now, UpdatedAt = Now };
            ctx.Customers.Add(customer);
            await ctx.SaveChangesAsync();
            customerId = customer.Id;
            ctx.CustomerAddresses.Add(new CustomerAddress { CustomerId = customerId, Kind = AddressKind.Home, PostalCode = "06236", Sido = "서울특별시", Sigungu = "강남구", Line = "테헤란로 152", IsPrimary = true });
            ctx.CustomerPhones.Add(new CustomerPhone { CustomerId = customerId, Kind = PhoneKind.Mobile, Number = "01012345678", IsPrimary = true });
            ctx.MarketingConsents.Add(new MarketingConsent
            {
                CustomerId = customerId, Channel = ContactChannel.Dm, Granted = true, Source = "branch", RecordedAt = DateTime.UtcNow.AddDays(-10), EffectiveFrom = today.AddDays(-10),
            });
            ctx.CampaignMembers.Add(new CampaignMember { CampaignId = campaignId, CustomerId = customerId, Arm = CampaignArm.Test, Stratum = "Unscored", PlannedChannel = CampaignChannelKind.Dm });
            await ctx.SaveChangesAsync();
        }
        var id = campaignId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var start = await RunAsync(db, "campaign", "start", id, "--as", "mkt-lee");
        start.Code.ShouldBe(0, start.Err);
        start.Out.ShouldContain("C-2026-041 is Running.");
        var twice = await RunAsync(db, "campaign", "start", id, "--as", "mkt-lee");
        twice.Code.ShouldBe(1);
        twice.Err.ShouldContain("Running");

        var path = Path.Combine(Path.GetTempPath(), $"dm-{Guid.NewGuid():N}.csv");
        try
        {
            var badEncoding = await RunAsync(db, "campaign", "dm", id, "--reason", "campaign", "--out", path, "--encoding", "latin1", "--as", "mkt-lee");
            badEncoding.Code.ShouldBe(1);
            badEncoding.Err.ShouldContain("'latin1'");
            var badReason = await RunAsync(db, "campaign", "dm", id, "--reason", "curiosity", "--out", path, "--as", "mkt-lee");
            badReason.Code.ShouldBe(1);
            badReason.Err.ShouldContain("'curiosity'");
            File.Exists(path).ShouldBeFalse();

            var dm = await RunAsync(db, "campaign", "dm", id, "--reason", "campaign", "--out", path, "--encoding", "cp949", "--export-id", "v1", "--as", "mkt-lee");
            dm.Code.ShouldBe(0, dm.Err);
            dm.Out.ShouldContain("Export v1: 1 row(s)");
            System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
            var lines = File.ReadAllLines(path, System.Text.Encoding.GetEncoding(949));
            lines.ShouldBe(["contact_id,name,postal_code,sido,sigungu,address_line,campaign_code", $"{await ContactIdAsync(db, customerId)},김민지,06236,서울특별시,강남구,테헤란로 152,C-2026-041"]);
            File.Exists(path + ".partial").ShouldBeFalse();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CampaignHoldout_LastYear_PrintsGroupsIntervalsProfitAndRoi_AndRefusesAYearWithoutHoldout(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        (await RunAsync(db, "users", "add", "boss", "--role", "Admin")).Code.ShouldBe(0);
        (await RunAsync(db, "users", "add", "mkt-lee", "--role", "Marketer", "--as", "boss")).Code.ShouldBe(0);
        var year = DateTime.UtcNow.Year - 1; // a whole year, whatever today is
        var id = await InsertAsync(db, "C-2026-051", "Loan win-back", CampaignState.Closed);
        long heldOut = 0, rest = 0, heldBuyers = 0, restBuyers = 0;
        await using (var ctx = db.CreateContext())
        {
            var campaign = await ctx.Campaigns.SingleAsync(c => c.Id == id);
            campaign.StartsOn = new DateOnly(year, 3, 1);
            campaign.EndsOn = new DateOnly(year, 3, 31);
            var holdout = new HoldoutYear { Year = year, Share = 0.2m, Salt = 77, CreatedAt = Now, CreatedBy = "mkt-lee" };
            ctx.Set<HoldoutYear>().Add(holdout);
            var product = new Core.Policies.Product { Code = "LN", Name = "loan", Line = Core.Policies.ProductLine.Loan, Family = Core.Policies.ProductFamily.CreditLoan };
            ctx.Set<Core.Policies.Product>().Add(product);
            var customers = Enumerable.Range(0, 200).Select(_ => new Customer { Name = "h", NameScript = NameScript.Latin, CreatedAt = new DateTime(year - 1, 5, 1, 0, 0, 0, DateTimeKind.Utc), UpdatedAt = Now }).ToList();
            ctx.Customers.AddRange(customers);
            await ctx.SaveChangesAsync();
            foreach (var c in customers)
            {
                var inHoldout = Core.Campaigns.Planning.UniversalHoldout.Contains(holdout, c.Id);
                var buys = inHoldout ? heldOut++ % 10 == 0 : rest++ % 4 == 0; // 10 % against 25 %
                if (buys)
                {
                    _ = inHoldout ? heldBuyers++ : restBuyers++;
                    ctx.Set<Core.Policies.Loan>().Add(new Core.Policies.Loan
                    {
                        LoanNumber = "L" + c.Id, CustomerId = c.Id, ProductId = product.Id, Principal = 1_000_000m, Balance = 1_000_000m, Rate = 0.05m,
                        StartDate = new DateOnly(year, 6, 1), MaturityDate = new DateOnly(year + 3, 6, 1), StatusDate = new DateOnly(year, 6, 1),
                    });
                }
            }
            await ctx.SaveChangesAsync();
        }
        var y = year.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var report = await RunAsync(db, "campaign", "holdout", "--year", y, "--as", "mkt-lee");

        report.Code.ShouldBe(0, report.Err);
        var difference = (double)restBuyers / rest - (double)heldBuyers / heldOut;
        var lines = report.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe($"{y} ({y}-01-01 to {y}-12-31): universal holdout share 20.0 %; 1 campaign(s); a response is an event of Loan.");
        lines[1].ShouldBe(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"  holdout {heldOut} customers, {heldBuyers} responded ({(double)heldBuyers / heldOut:P2}); rest {rest} customers, {restBuyers} responded ({(double)restBuyers / rest:P2})."));
        lines[3].ShouldStartWith(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"  incremental responses of all marketing: {difference * rest:N1} ["));
        lines[4].ShouldContain(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"incremental revenue KRW {(restBuyers * 200_000.0 / rest - heldBuyers * 200_000.0 / heldOut) * rest:N0} ["));
        lines[5].ShouldStartWith("  campaign costs KRW 0; incremental profit KRW ");
        lines[5].ShouldEndWith("ROI n/a (no cost).");

        var none = await RunAsync(db, "campaign", "holdout", "--year", (year - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--as", "mkt-lee");
        none.Code.ShouldBe(1);
        none.Err.ShouldContain($"No universal holdout was drawn for {year - 1}");
    }

    private static async Task<long> ContactIdAsync(TestDatabase db, long customerId)
    {
        await using var ctx = db.CreateContext();
        return await ctx.CampaignContacts.Where(c => c.CustomerId == customerId).Select(c => c.Id).SingleAsync();
    }

    private static async Task<long> InsertAsync(TestDatabase db, string code, string name, CampaignState state)
    {
        await using var ctx = db.CreateContext();
        var author = await ctx.Users.AsNoTracking().SingleAsync(u => u.UserName == "mkt-lee");
        var campaign = new Campaign
        {
            Code = code, Name = name, Theme = "theme", Hypothesis = "hypothesis", Objective = CampaignObjective.Loan, WindowDays = 30,
            OwnerUserId = author.Id, AuthorUserId = author.Id, State = state, StartsOn = new DateOnly(2026, 11, 1), EndsOn = new DateOnly(2026, 11, 30),
            Budget = 1_000_000m, Currency = "KRW", ControlShare = 0.1m, SplitSeed = 99, ExpectedLift = 0.02, FrequencyCap = 4, CreatedAt = Now, UpdatedAt = Now, Version = 1,
        };
        ctx.Campaigns.Add(campaign);
        await ctx.SaveChangesAsync();
        return campaign.Id;
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(TestDatabase db, params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = await CliApp.RunAsync(args, new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build());
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
