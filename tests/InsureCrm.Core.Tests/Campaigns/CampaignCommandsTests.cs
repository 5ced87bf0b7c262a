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
