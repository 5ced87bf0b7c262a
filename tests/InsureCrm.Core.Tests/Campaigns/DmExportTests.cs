using System.Text;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using static InsureCrm.Core.Tests.Campaigns.EmailSendTests;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>
/// The DM file for the print vendor: address columns only, the consented Test members with an address, each customer
/// in the access log once per download with the reason; the same export id writes the same bytes again; CP949 reads
/// back; no reason, no file.
/// </summary>
public sealed class DmExportTests
{
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task WriteAsync_Utf8_WritesOnlyAddressColumnsOfConsentedMembersWithAnAddress_AndLogsEachCustomer(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var seed = await DmSeed.CampaignAsync(ctx, CampaignState.Running);
        using var file = new MemoryStream();

        var result = await Export(ctx, db).WriteAsync(Marketer, new DmExportRequest(seed.CampaignId, AccessReason.Campaign), file);

        result.IsOk.ShouldBeTrue();
        result.Value!.Rows.ShouldBe(2);
        result.Value.BlockedByReason.ShouldBe(new Dictionary<string, int> { ["NoAddress"] = 1, ["NoConsent"] = 1 }, ignoreOrder: true);
        result.Value.FileName.ShouldBe($"dm-C-DM-1-{result.Value.ExportId}.csv");
        var bytes = file.ToArray();
        bytes[..3].ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var text = new UTF8Encoding(false, true).GetString(bytes, 3, bytes.Length - 3);
        var contacts = await ctx.CampaignContacts.AsNoTracking().ToDictionaryAsync(c => c.CustomerId);
        text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ShouldBe([
            "contact_id,name,postal_code,sido,sigungu,address_line,campaign_code",
            $"{contacts[seed.Customers[0]].Id},김민지,06236,서울특별시,강남구,\"테헤란로 152, 101동 1203호\",C-DM-1",
            $"{contacts[seed.Customers[1]].Id},\"John \"\"JJ\"\" Smith\",04524,서울특별시,중구,'=1+2 Sejong-daero,C-DM-1",
        ]);
        foreach (var secret in new[] { "01012345678", "@", "900101", "1990" })
        {
            text.ShouldNotContain(secret);
        }
        contacts[seed.Customers[0]].State.ShouldBe(CampaignContactState.Exported);
        contacts[seed.Customers[0]].ExportId.ShouldBe(result.Value.ExportId);
        contacts[seed.Customers[2]].State.ShouldBe(CampaignContactState.Blocked);
        contacts[seed.Customers[2]].Reasons.ShouldBe(nameof(CampaignBlockReason.NoAddress));
        contacts[seed.Customers[3]].Reasons.ShouldBe(nameof(ContactReason.NoConsent));
        contacts.ShouldNotContainKey(seed.Customers[4]);
        var downloads = await ctx.AccessLog.AsNoTracking().Where(e => e.Action == AccessAction.Download).Select(e => new { e.CustomerId, e.Reason, e.UserName }).ToListAsync();
        downloads.Select(d => d.CustomerId).ShouldBe([seed.Customers[0], seed.Customers[1]], ignoreOrder: true);
        downloads.ShouldAllBe(d => d.Reason == AccessReason.Campaign && d.UserName == Marketer.UserName);
        (await ctx.Interactions.CountAsync(i => i.Channel == InteractionChannel.Dm && i.Purpose == InteractionPurpose.Campaign)).ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task WriteAsync_Cp949WithExportId_ReadsBackInCp949_AndTheSameIdWritesTheSameBytesAgain(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var seed = await DmSeed.CampaignAsync(ctx, CampaignState.Approved);
        var request = new DmExportRequest(seed.CampaignId, AccessReason.Campaign, DmEncoding.Cp949, "vendor-2026-03");

        using var first = new MemoryStream();
        (await Export(ctx, db).WriteAsync(Marketer, request, first)).Value!.Rows.ShouldBe(2);
        using var again = new MemoryStream();
        var repeated = await Export(ctx, db).WriteAsync(Marketer, request, again);
        using var next = new MemoryStream();
        var nothingNew = await Export(ctx, db).WriteAsync(Marketer, request with { ExportId = "vendor-2026-04" }, next);

        again.ToArray().ShouldBe(first.ToArray());
        repeated.Value!.ExportId.ShouldBe("vendor-2026-03");
        repeated.Value.RowsWithReplacedCharacters.ShouldBe(0);
        var text = Cp949().GetString(first.ToArray());
        text.ShouldStartWith("contact_id,name,");
        text.ShouldContain(",김민지,06236,서울특별시,강남구,\"테헤란로 152, 101동 1203호\",C-DM-1\r\n");
        nothingNew.Value!.Rows.ShouldBe(0);
        (await ctx.AccessLog.CountAsync(e => e.Action == AccessAction.Download && e.CustomerId == seed.Customers[0])).ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task WriteAsync_NoReasonDraftCampaignOrAnalyst_RefusedAndNothingExportedOrLogged(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var running = await DmSeed.CampaignAsync(ctx, CampaignState.Running);
        var draft = await DmSeed.CampaignAsync(ctx, CampaignState.Draft, code: "C-DM-2");
        var analyst = new CrmUser(5, "analyst", Role.Analyst, null, null, null, "127.0.0.1");
        using var file = new MemoryStream();

        var noReason = await Export(ctx, db).WriteAsync(Marketer, new DmExportRequest(running.CampaignId, ""), file);
        var unknownReason = await Export(ctx, db).WriteAsync(Marketer, new DmExportRequest(running.CampaignId, "curiosity"), file);
        var notApproved = await Export(ctx, db).WriteAsync(Marketer, new DmExportRequest(draft.CampaignId, AccessReason.Campaign), file);
        var forbidden = await Export(ctx, db).WriteAsync(analyst, new DmExportRequest(running.CampaignId, AccessReason.Campaign), file);

        noReason.Outcome.ShouldBe(CampaignOutcome.Invalid);
        noReason.Errors.Keys.ShouldBe(["reason"]);
        unknownReason.Errors["reason"].Single().ShouldContain("'curiosity'");
        notApproved.Outcome.ShouldBe(CampaignOutcome.Conflict);
        forbidden.Outcome.ShouldBe(CampaignOutcome.Forbidden);
        file.Length.ShouldBe(0);
        (await ctx.CampaignContacts.CountAsync()).ShouldBe(0);
        (await ctx.AccessLog.CountAsync(e => e.Action == AccessAction.Download)).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task WriteAsync_AfterAnExportStoppedHoldingAContact_ExportsItNow(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var seed = await DmSeed.CampaignAsync(ctx, CampaignState.Running);
        ctx.CampaignContacts.Add(new CampaignContact
        {
            CampaignId = seed.CampaignId, CustomerId = seed.Customers[0], Channel = CampaignChannelKind.Dm, Attempt = 1, State = CampaignContactState.Sending,
            IdemKey = CampaignContact.KeyOf(seed.CampaignId, seed.Customers[0], CampaignChannelKind.Dm, 1), PlannedAt = Noon.UtcDateTime.AddHours(-2),
            LeaseUntil = Noon.UtcDateTime.AddHours(-1),
        });
        await ctx.SaveChangesAsync();
        ctx.ChangeTracker.Clear();
        using var file = new MemoryStream();

        var result = await Export(ctx, db).WriteAsync(Marketer, new DmExportRequest(seed.CampaignId, AccessReason.Campaign), file);

        result.Value!.Rows.ShouldBe(2);
        (await ctx.CampaignContacts.AsNoTracking().SingleAsync(c => c.CustomerId == seed.Customers[0])).State.ShouldBe(CampaignContactState.Exported);
    }

    private static DmExport Export(CrmDbContext ctx, TestDatabase db)
    {
        var clock = new Fixed(Noon);
        var log = CoreServices.Log(db, clock);
        var consents = new ConsentService(ctx, Policy, Seed.Protector, clock, new CustomerScope(ctx), log);
        var options = new CampaignsOptions { Sending = new SendingOptions { BatchSize = 2, Lease = TimeSpan.FromMinutes(10) } };
        return new DmExport(ctx, consents, log, options, clock, NullLogger<DmExport>.Instance);
    }

    private static Encoding Cp949()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(949, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    internal sealed record DmSeeded(long CampaignId, IReadOnlyList<long> Customers);

    internal static class DmSeed
    {
        /// <summary>
        /// A campaign planned on DM: two consented Test members with an address (one whose name and address line need
        /// quoting and neutralising), one consented without an address, one with an address but no consent, and a
        /// Control member; every customer also has a phone, an e-mail, an RRN and a birth date the file must not carry.
        /// </summary>
        public static async Task<DmSeeded> CampaignAsync(CrmDbContext ctx, CampaignState state, string code = "C-DM-1")
        {
            var at = Noon.UtcDateTime;
            var campaign = new Campaign
            {
                Code = code, Name = "DM test", Theme = "t", Hypothesis = "h", State = state, StartsOn = new(2026, 3, 1), EndsOn = new(2026, 3, 31),
                ControlShare = 0.2m, SplitSeed = 7, WindowDays = 30, CreatedAt = at, UpdatedAt = at, OwnerUserId = 1, AuthorUserId = 1,
            };
            ctx.Campaigns.Add(campaign);
            var people = new List<(string Name, NameScript Script, (string Postal, string Sido, string Sigungu, string Line)? Address, bool Consent, CampaignArm Arm)>
            {
                ("김민지", NameScript.Hangul, ("06236", "서울특별시", "강남구", "테헤란로 152, 101동 1203호"), true, CampaignArm.Test),
                ("John \"JJ\" Smith", NameScript.Latin, ("04524", "서울특별시", "중구", "=1+2 Sejong-daero"), true, CampaignArm.Test),
                ("송주소", NameScript.Hangul, null, true, CampaignArm.Test),
                ("이동의", NameScript.Hangul, ("48058", "부산광역시", "해운대구", "센텀중앙로 1"), false, CampaignArm.Test),
                ("박대조", NameScript.Hangul, ("34126", "대전광역시", "유성구", "대학로 99"), true, CampaignArm.Control),
            };
            var customers = people.Select(p => new Customer
            {
                Name = p.Name, NameScript = p.Script, CreatedAt = at, UpdatedAt = at, BirthDate = new DateOnly(1990, 1, 1), RrnMasked = "900101-2******",
            }).ToList();
            ctx.Customers.AddRange(customers);
            await ctx.SaveChangesAsync();
            for (var i = 0; i < people.Count; i++)
            {
                var id = customers[i].Id;
                ctx.CustomerPhones.Add(new CustomerPhone { CustomerId = id, Kind = PhoneKind.Mobile, Number = "01012345678", IsPrimary = true });
                ctx.CustomerEmails.Add(new CustomerEmail { CustomerId = id, Address = $"c{i}@dm.example", IsPrimary = true });
                if (people[i].Address is { } a)
                {
                    ctx.CustomerAddresses.Add(new CustomerAddress { CustomerId = id, Kind = AddressKind.Home, PostalCode = a.Postal, Sido = a.Sido, Sigungu = a.Sigungu, Line = a.Line, IsPrimary = true });
                }
                if (people[i].Consent)
                {
                    ctx.MarketingConsents.Add(new MarketingConsent
                    {
                        CustomerId = id, Channel = ContactChannel.Dm, Granted = true, NightTimeAllowed = false, Source = "branch",
                        RecordedAt = at.AddDays(-10), EffectiveFrom = DateOnly.FromDateTime(at.AddDays(-10)),
                    });
                }
                ctx.CampaignMembers.Add(new CampaignMember
                {
                    CampaignId = campaign.Id, CustomerId = id, Arm = people[i].Arm, Stratum = "Unscored", SplitHash = i, PlannedChannel = CampaignChannelKind.Dm,
                });
            }
            await ctx.SaveChangesAsync();
            ctx.ChangeTracker.Clear();
            return new DmSeeded(campaign.Id, [.. customers.Select(c => c.Id)]);
        }
    }
}
