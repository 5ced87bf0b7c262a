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
using MimeKit;

namespace InsureCrm.Core.Tests.Campaigns;

/// <summary>
/// The e-mail sender against the real SMTP server the test script starts (INSURECRM_TEST_SMTP, delivering into
/// INSURECRM_TEST_MAILDIR): consented Test members receive exactly one message in their language, the rest are
/// counted by reason, and a stopped run never sends a message twice.
/// </summary>
public sealed class EmailSendTests
{
    /// <summary>2026-03-02 14:00 in Korea.</summary>
    internal static readonly DateTimeOffset Noon = new(2026, 3, 2, 5, 0, 0, TimeSpan.Zero);
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
    internal static readonly CrmUser Marketer = new(1, "marketer", Role.Marketer, null, null, null, "127.0.0.1");

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendAsync_RealSmtp_EveryConsentedTestMemberGetsOneMessageInTheirLanguage(DatabaseProvider provider)
    {
        var (host, port, maildir) = Smtp();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var domain = $"t-{Guid.NewGuid():N}.example";
        var seed = await Seed.CampaignAsync(ctx, domain);
        var sender = Seed.Sender(ctx, db, new EmailTransportFactory(Seed.Options(host, port)));

        var first = await sender.SendAsync(Marketer, new SendRequest(seed.CampaignId, CampaignChannelKind.Email));
        var again = await sender.SendAsync(Marketer, new SendRequest(seed.CampaignId, CampaignChannelKind.Email));

        first.IsOk.ShouldBeTrue();
        first.Value!.Released.ShouldBe(4);
        first.Value.Sent.ShouldBe(3);
        first.Value.Blocked.ShouldBe(1);
        first.Value.BlockedByReason.ShouldBe(new Dictionary<string, int> { ["NoConsent"] = 1 });
        again.Value!.Released.ShouldBe(0);
        again.Value.Sent.ShouldBe(0);
        var mails = Seed.Received(maildir, domain);
        mails.Count.ShouldBe(3);
        mails.Select(m => m.To.Mailboxes.Single().Address).Order().ShouldBe(["en@" + domain, "ko@" + domain, "zh@" + domain]);
        mails.Single(m => m.To.Mailboxes.Single().Address.StartsWith("ko@", StringComparison.Ordinal)).Subject.ShouldBe("(광고) 김민지님께 C-T-1");
        mails.Single(m => m.To.Mailboxes.Single().Address.StartsWith("en@", StringComparison.Ordinal)).Subject.ShouldBe("(Ad) For John Smith");
        var zh = mails.Single(m => m.To.Mailboxes.Single().Address.StartsWith("zh@", StringComparison.Ordinal));
        zh.Subject.ShouldBe("(廣告) 陳<美>玲");
        zh.HtmlBody!.ShouldContain("陳&lt;美&gt;玲");
        zh.TextBody!.ShouldContain("陳<美>玲");
        zh.MessageId.ShouldStartWith($"cmp-{seed.CampaignId}-");
        zh.Headers["List-Unsubscribe-Post"].ShouldBe("List-Unsubscribe=One-Click");
        var link = zh.Headers["List-Unsubscribe"]!.Trim('<', '>');
        zh.TextBody!.ShouldContain(link);
        var token = link[(link.LastIndexOf('/') + 1)..];
        UnsubscribeToken.Read(Seed.Protector, token).ShouldNotBeNull();
        UnsubscribeToken.Read(Seed.Protector, token[..^1] + (token[^1] == 'A' ? 'B' : 'A')).ShouldBeNull();
        (await ctx.Interactions.CountAsync(i => i.Purpose == InteractionPurpose.Campaign && i.Direction == InteractionDirection.Outbound)).ShouldBe(3);
    }

    internal static (string Host, int Port, string Maildir) Smtp()
    {
        var smtp = Environment.GetEnvironmentVariable("INSURECRM_TEST_SMTP");
        var maildir = Environment.GetEnvironmentVariable("INSURECRM_TEST_MAILDIR");
        if (string.IsNullOrEmpty(smtp) || string.IsNullOrEmpty(maildir))
        {
            throw new InvalidOperationException("INSURECRM_TEST_SMTP and INSURECRM_TEST_MAILDIR must name the test SMTP server and its Maildir (test.sh starts aiosmtpd).");
        }
        var colon = smtp.LastIndexOf(':');
        return (smtp[..colon], int.Parse(smtp[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), maildir);
    }

    internal sealed record Seeded(long CampaignId, IReadOnlyList<long> ConsentedCustomers);

    internal static class Seed
    {
        private static readonly string[] MaildirFolders = ["new", "cur"];

        public static readonly FieldProtector Protector = new(new ProtectionOptions
        {
            Keys = new() { ["k1"] = Convert.ToBase64String(new byte[32]) },
            HashKey = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()),
        });

        public static CampaignsOptions Options(string host, int port) => new()
        {
            Email = new EmailOptions { Transport = EmailTransportKind.Smtp, From = "campaigns@insurecrm.example", Smtp = new SmtpOptions { Host = host, Port = port, Security = SmtpSecurity.None } },
            Sending = new SendingOptions { BatchSize = 2, Lease = TimeSpan.FromMinutes(10) },
        };

        public static CampaignSender Sender(CrmDbContext ctx, TestDatabase db, IEmailTransportFactory factory, CampaignsOptions? options = null, TimeProvider? clock = null)
        {
            clock ??= new Fixed(Noon);
            var consents = new ConsentService(ctx, Policy, Protector, clock, new CustomerScope(ctx), CoreServices.Log(db, clock));
            return new CampaignSender(ctx, consents, factory, Protector, options ?? Options("127.0.0.1", 1), clock, NullLogger<CampaignSender>.Instance);
        }

        /// <summary>A running campaign with three consented Test members (Hangul, Latin, Hanzi names), one without consent, and a Control member.</summary>
        public static async Task<Seeded> CampaignAsync(CrmDbContext ctx, string domain, int extraConsented = 0)
        {
            var at = Noon.UtcDateTime;
            var campaign = new Campaign
            {
                Code = "C-T-1", Name = "test", Theme = "t", Hypothesis = "h", State = CampaignState.Running, StartsOn = new(2026, 3, 1), EndsOn = new(2026, 3, 31),
                ControlShare = 0.2m, SplitSeed = 7, WindowDays = 30, CreatedAt = at, UpdatedAt = at, OwnerUserId = 1, AuthorUserId = 1,
            };
            ctx.Campaigns.Add(campaign);
            var people = new List<(string Name, NameScript Script, string Mail, bool Consent, CampaignArm Arm)>
            {
                ("김민지", NameScript.Hangul, "ko", true, CampaignArm.Test),
                ("John Smith", NameScript.Latin, "en", true, CampaignArm.Test),
                ("陳<美>玲", NameScript.Hanzi, "zh", true, CampaignArm.Test),
                ("이없음", NameScript.Hangul, "none", false, CampaignArm.Test),
                ("박대조", NameScript.Hangul, "control", true, CampaignArm.Control),
            };
            people.AddRange(Enumerable.Range(0, extraConsented).Select(i => ($"고객{i}", NameScript.Hangul, $"x{i}", true, CampaignArm.Test)));
            var customers = people.Select(p => new Customer { Name = p.Name, NameScript = p.Script, CreatedAt = at, UpdatedAt = at }).ToList();
            ctx.Customers.AddRange(customers);
            await ctx.SaveChangesAsync();
            ctx.CampaignScripts.AddRange(
                Script(campaign.Id, ScriptLanguage.Korean, "(광고) {{name}}님께 {{campaign_code}}", "{{name}}님, 안녕하세요.\n수신거부: {{unsubscribe_url}}"),
                Script(campaign.Id, ScriptLanguage.English, "(Ad) For {{name}}", "Dear {{name}}\nUnsubscribe: {{unsubscribe_url}}"),
                Script(campaign.Id, ScriptLanguage.TraditionalChinese, "(廣告) {{name}}", "{{name}} 您好\n{{unsubscribe_url}}"));
            for (var i = 0; i < people.Count; i++)
            {
                var id = customers[i].Id;
                ctx.CustomerEmails.Add(new CustomerEmail { CustomerId = id, Address = people[i].Mail + "@" + domain, IsPrimary = true });
                if (people[i].Consent)
                {
                    ctx.MarketingConsents.Add(new MarketingConsent
                    {
                        CustomerId = id, Channel = ContactChannel.Email, Granted = true, NightTimeAllowed = false, Source = "branch",
                        RecordedAt = at.AddDays(-10), EffectiveFrom = DateOnly.FromDateTime(at.AddDays(-10)),
                    });
                }
                ctx.CampaignMembers.Add(new CampaignMember
                {
                    CampaignId = campaign.Id, CustomerId = id, Arm = people[i].Arm, Stratum = "Unscored", SplitHash = i, PlannedChannel = CampaignChannelKind.Email,
                });
            }
            await ctx.SaveChangesAsync();
            ctx.ChangeTracker.Clear();
            return new Seeded(campaign.Id, [.. customers.Where((_, i) => people[i].Consent && people[i].Arm == CampaignArm.Test).Select(c => c.Id)]);
        }

        private static CampaignScript Script(long campaignId, string language, string subject, string body) => new()
        {
            CampaignId = campaignId, Channel = CampaignChannelKind.Email, Language = language, Version = 1, Subject = subject, Body = body,
            CreatedBy = "marketer", CreatedAt = Noon.UtcDateTime,
        };

        /// <summary>The messages in the Maildir addressed to <paramref name="domain"/> (this test's own).</summary>
        public static List<MimeMessage> Received(string maildir, string domain) =>
            [.. MaildirFolders.Select(d => Path.Combine(maildir, d)).Where(Directory.Exists)
                .SelectMany(Directory.EnumerateFiles)
                .Select(f => MimeMessage.Load(f))
                .Where(m => m.To.Mailboxes.Any(a => a.Address.EndsWith("@" + domain, StringComparison.Ordinal)))];
    }

    internal sealed class Fixed(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
