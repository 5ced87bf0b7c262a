using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Contact;

/// <summary>
/// The batch contact check the campaign sender calls: on a seeded mix of consent histories, phones, do-not-call
/// registrations, merged and unknown customers, day and night, it answers every request exactly as the one-by-one
/// check does; and a customer's own opt-out counts at once.
/// </summary>
public sealed class ConsentBatchTests
{
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
    /// <summary>2026-03-02 14:00 in Korea.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 5, 0, 0, TimeSpan.Zero);

    private static FieldProtector Protector() => new(new ProtectionOptions
    {
        Keys = new() { ["k1"] = Convert.ToBase64String(new byte[32]) },
        HashKey = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()),
    });

    private static ConsentService Service(CrmDbContext ctx, TestDatabase db, FieldProtector protector, TimeProvider clock) =>
        new(ctx, Policy, protector, clock, new CustomerScope(ctx), CoreServices.Log(db, clock));

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, 11)]
    [InlineData(DatabaseProvider.Sqlite, 12)]
    [InlineData(DatabaseProvider.Postgres, 11)]
    [InlineData(DatabaseProvider.Postgres, 13)]
    public async Task CheckManyAsync_SeededMix_EqualsCheckAsyncOneByOne(DatabaseProvider provider, int seed)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = Protector();
        await using var ctx = db.CreateContext();
        var random = new Random(seed);
        var ids = await SeedAsync(ctx, protector, random, customers: 60);
        var service = Service(ctx, db, protector, TimeProvider.System);

        var channels = Enum.GetValues<ContactChannel>();
        var requests = new List<ContactRequest>();
        for (var i = 0; i < 400; i++)
        {
            // Mostly stored customers, some merged away, some unknown ids; a few requests name the number to dial.
            var id = random.Next(10) == 0 ? 900_000 + i : ids[random.Next(ids.Count)];
            var at = Noon.AddHours(random.Next(-200, 200)).AddMinutes(random.Next(60));
            var phone = random.Next(6) == 0 ? PhoneOf(random.Next(80)) : null;
            requests.Add(new ContactRequest(id, channels[random.Next(channels.Length)],
                random.Next(4) == 0 ? ContactPurpose.ContractMaintenance : ContactPurpose.Marketing, at, phone));
        }

        var batch = await service.CheckManyAsync(requests);

        batch.Count.ShouldBe(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var single = await service.CheckAsync(requests[i]);
            Describe(batch[i]).ShouldBe(Describe(single), $"request {i}: {requests[i].Channel} {requests[i].Purpose} at {requests[i].At:O}");
        }
        // The mix reaches every branch of the policy, so agreement is not agreement on a trivial answer.
        batch.Count(d => d is null).ShouldBeGreaterThan(0);
        batch.Count(d => d is { Allowed: true }).ShouldBeGreaterThan(0);
        batch.Count(d => d?.Reasons.Contains(ContactReason.DoNotCall) == true).ShouldBeGreaterThan(0);
        batch.Count(d => d?.NextAllowedAt is not null).ShouldBeGreaterThan(0);
        batch.Count(d => d?.Reasons.Contains(ContactReason.ConsentWithdrawn) == true).ShouldBeGreaterThan(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordOptOutAsync_AfterAGrant_RefusesTheNextCheckAtOnce_AndAddsNoSecondRow(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = Protector();
        await using var ctx = db.CreateContext();
        var customer = new Customer { Name = "고객", NameScript = NameScript.Hangul, CreatedAt = Noon.UtcDateTime, UpdatedAt = Noon.UtcDateTime };
        ctx.Customers.Add(customer);
        await ctx.SaveChangesAsync();
        ctx.MarketingConsents.Add(new MarketingConsent
        {
            CustomerId = customer.Id, Channel = ContactChannel.Email, Granted = true, NightTimeAllowed = true, Source = "branch",
            RecordedAt = Noon.AddDays(-30).UtcDateTime, EffectiveFrom = DateOnly.FromDateTime(Noon.AddDays(-30).UtcDateTime),
        });
        await ctx.SaveChangesAsync();
        var service = Service(ctx, db, protector, new FixedTime(Noon));
        var email = new ContactRequest(customer.Id, ContactChannel.Email, ContactPurpose.Marketing, Noon.AddMinutes(1));
        (await service.CheckAsync(email))!.Allowed.ShouldBeTrue();

        var first = await service.RecordOptOutAsync(customer.Id, ContactChannel.Email, "web", "unsubscribe link");
        var again = await service.RecordOptOutAsync(customer.Id, ContactChannel.Email, "web", "unsubscribe link");

        first.Status.ShouldBe(ConsentRecordStatus.Recorded);
        again.Status.ShouldBe(ConsentRecordStatus.Recorded);
        again.Id.ShouldBe(first.Id);
        (await service.CheckAsync(email))!.Reasons.ShouldBe([ContactReason.ConsentWithdrawn]);
        (await service.CheckManyAsync([email])).Single()!.Reasons.ShouldBe([ContactReason.ConsentWithdrawn]);
        (await ctx.MarketingConsents.CountAsync(c => c.CustomerId == customer.Id)).ShouldBe(2);
        (await service.StatusAsync(customer.Id, Noon.AddMinutes(1))).Single(c => c.Channel == ContactChannel.Email).State.ShouldBe(ConsentState.Withdrawn);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecordOptOutAsync_BadSourceEmptyReasonOrUnknownCustomer_IsNamedAndWritesNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var protector = Protector();
        await using var ctx = db.CreateContext();
        var customer = new Customer { Name = "고객", NameScript = NameScript.Hangul, CreatedAt = Noon.UtcDateTime, UpdatedAt = Noon.UtcDateTime };
        ctx.Customers.Add(customer);
        await ctx.SaveChangesAsync();
        var service = Service(ctx, db, protector, new FixedTime(Noon));

        (await service.RecordOptOutAsync(customer.Id, ContactChannel.Email, "mailbox", "x")).Error.ShouldBe("source");
        (await service.RecordOptOutAsync(customer.Id, ContactChannel.Email, "web", " ")).Error.ShouldBe("reason");
        (await service.RecordOptOutAsync(customer.Id, (ContactChannel)42, "web", "x")).Error.ShouldBe("channel");
        (await service.RecordOptOutAsync(customer.Id + 1000, ContactChannel.Email, "web", "x")).Status.ShouldBe(ConsentRecordStatus.NotFound);
        (await ctx.MarketingConsents.CountAsync()).ShouldBe(0);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static string Describe(ContactDecision? d) => d is null ? "none"
        : string.Create(CultureInfo.InvariantCulture, $"{d.Allowed} [{string.Join(",", d.Reasons)}] next {d.NextAllowedAt:O} lapses {d.ConsentLapsesOn:O}");

    private static string PhoneOf(int n) => string.Create(CultureInfo.InvariantCulture, $"0109{n:D7}");

    /// <summary>Customers with random histories on random channels, one to three phones from a shared pool of 80 numbers, registrations on a third of the pool, and every tenth customer merged away.</summary>
    private static async Task<List<long>> SeedAsync(CrmDbContext ctx, FieldProtector protector, Random random, int customers)
    {
        var list = Enumerable.Range(0, customers)
            .Select(_ => new Customer { Name = "고객", NameScript = NameScript.Hangul, CreatedAt = Noon.UtcDateTime, UpdatedAt = Noon.UtcDateTime })
            .ToList();
        ctx.Customers.AddRange(list);
        await ctx.SaveChangesAsync();
        for (var i = 0; i < list.Count; i++)
        {
            if (i % 10 == 9)
            {
                list[i].MergedIntoId = list[0].Id;
            }
            for (var p = random.Next(0, 4); p > 0; p--)
            {
                ctx.CustomerPhones.Add(new CustomerPhone { CustomerId = list[i].Id, Number = PhoneOf(random.Next(80)), Kind = PhoneKind.Mobile, IsPrimary = p == 1 });
            }
            foreach (var channel in Enum.GetValues<ContactChannel>())
            {
                for (var r = random.Next(0, 4); r > 0; r--)
                {
                    var recorded = Noon.AddDays(-random.Next(0, 1000)).AddHours(random.Next(24));
                    var granted = random.Next(3) != 0;
                    ctx.MarketingConsents.Add(new MarketingConsent
                    {
                        CustomerId = list[i].Id, Channel = channel, Granted = granted, NightTimeAllowed = granted && random.Next(2) == 0,
                        Source = random.Next(2) == 0 ? "branch" : "import", RecordedAt = recorded.UtcDateTime,
                        EffectiveFrom = Policy.LocalDate(recorded), ExpiresOn = granted ? Policy.LocalDate(recorded).AddYears(2) : null,
                    });
                }
            }
        }
        for (var n = 0; n < 80; n += 3)
        {
            var registered = DateOnly.FromDateTime(Noon.UtcDateTime).AddDays(-random.Next(0, 3000));
            ctx.Set<DoNotCall>().Add(new DoNotCall
            {
                PhoneHash = DoNotCall.HashOf(protector, PhoneOf(n))!, Scope = (DoNotCallScope)random.Next(3), RegisteredOn = registered,
                ExpiresOn = registered.AddYears(5), SourceFile = "dnc.csv", ImportedBy = "test", ImportedAt = Noon.UtcDateTime,
            });
        }
        await ctx.SaveChangesAsync();
        return [.. list.Select(c => c.Id)];
    }
}
