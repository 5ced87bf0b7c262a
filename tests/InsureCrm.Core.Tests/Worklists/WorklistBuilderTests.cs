using InsureCrm.Core.Agents;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.Build;
using InsureCrm.Tests;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Worklists;

/// <summary>
/// The arbitration on hand-built books: targeting-mart rows (consent, agent, birth date, contact details) and one
/// purchase champion's scores, with the mart marked fresh so the build reads exactly these rows. Each customer also
/// exists as a customer with a mobile number and the consent rows the mart's flags stand for, so that the contact
/// policy the build applies judges what the mart says unless a test plants otherwise.
/// </summary>
public sealed class WorklistBuilderTests
{
    private static readonly DateOnly AsOf = new(2026, 3, 10);
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
    private static readonly FieldProtector Protector = new(new ProtectionOptions
    {
        Keys = new() { ["k1"] = Convert.ToBase64String(new byte[32]) },
        HashKey = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()),
    });

    private static string MobileOf(long id) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"0105550{id:0000}");

    private sealed class Kit(TestDatabase db)
    {
        public TestDatabase Db => db;
        public long Agent { get; private set; }
        public long OtherAgent { get; private set; }
        private long _run;

        public static async Task<Kit> CreateAsync(DatabaseProvider provider)
        {
            var kit = new Kit(await TestDatabase.CreateAsync(provider));
            await using var ctx = kit.Db.CreateContext();
            var branch = new Branch { Code = "B01", Name = "Gangnam", Sido = "서울특별시", Sigungu = "강남구" };
            ctx.Branches.Add(branch);
            await ctx.SaveChangesAsync();
            var agent = new Agent { Code = "A1", Name = "Agent One", Kind = AgentKind.Fc, BranchId = branch.Id, HireDate = new(2020, 1, 1), Status = AgentStatus.Active };
            var other = new Agent { Code = "A2", Name = "Agent Two", Kind = AgentKind.Fc, BranchId = branch.Id, HireDate = new(2020, 1, 1), Status = AgentStatus.Active };
            ctx.Agents.AddRange(agent, other);
            ctx.Set<CustomerTargetRefresh>().Add(new CustomerTargetRefresh { Id = 1, AsOf = AsOf, RefreshedAt = DateTime.UtcNow, Customers = 0 });
            await ctx.SaveChangesAsync();
            (kit.Agent, kit.OtherAgent, kit._run) = (agent.Id, other.Id, await ChampionRunAsync(ctx, InsurerModels.PurchaseHealth.Name));
            return kit;
        }

        /// <summary>A champion of the model with one completed score run as of the build day; returns the run's id.</summary>
        private static async Task<long> ChampionRunAsync(CrmDbContext ctx, string model)
        {
            var version = new ModelVersion
            {
                Name = model, Version = 1, Algorithm = "logistic", Cutoff = AsOf.AddMonths(-3), WindowMonths = 3,
                Status = ModelStatus.Champion, TrainedBy = "analyst", TrainedAt = DateTime.UtcNow, PositiveRate = 0.02,
            };
            ctx.Set<ModelVersion>().Add(version);
            await ctx.SaveChangesAsync();
            var run = new ModelScoreRun { ModelVersionId = version.Id, RunDate = AsOf, Status = ModelScoreRunStatus.Completed, StartedAt = DateTime.UtcNow };
            ctx.Set<ModelScoreRun>().Add(run);
            await ctx.SaveChangesAsync();
            return run.Id;
        }

        /// <summary>
        /// A customer of <paramref name="agent"/> with every contact detail, one active contract, no family held, age 40; the
        /// visit and phone consents granted (imported) on <paramref name="consentOn"/> (a month before the build by default).
        /// </summary>
        public async Task CustomerAsync(long id, long agent, bool visit = true, bool phone = true, double? healthScore = null,
            DateOnly? birth = null, bool mobile = true, DateOnly? consentOn = null)
        {
            await using var ctx = Db.CreateContext();
            var since = AsOf.AddYears(-1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var customer = new Customer { Id = id, Name = "고객", NameScript = NameScript.Hangul, CreatedAt = since, UpdatedAt = since };
            customer.Phones.Add(new CustomerPhone { Kind = PhoneKind.Mobile, Number = MobileOf(id), IsPrimary = true });
            ctx.Customers.Add(customer);
            var granted = consentOn ?? AsOf.AddMonths(-1);
            foreach (var (channel, given) in new[] { (ContactChannel.Visit, visit), (ContactChannel.Phone, phone) })
            {
                if (given)
                {
                    ctx.MarketingConsents.Add(new MarketingConsent
                    {
                        CustomerId = id, Channel = channel, Granted = true, Source = "import", RecordedAt = granted.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                        EffectiveFrom = granted, ExpiresOn = granted.AddYears(ContactPolicy.ConsentYears),
                    });
                }
            }
            ctx.Set<CustomerTarget>().Add(new CustomerTarget
            {
                CustomerId = id, AgentId = agent, BirthDate = birth ?? new DateOnly(1986, 1, 1), ActiveContracts = 1, Grade = "B", TotalValue = 1_000_000,
                HasEmail = true, HasMobile = mobile, HasPhone = true, HasAddress = true, ConsentVisit = visit, ConsentPhone = phone,
            });
            if (healthScore is { } s)
            {
                ctx.Set<CustomerModelScore>().Add(new CustomerModelScore
                {
                    RunId = _run, CustomerId = id, Score = s, Eligible = true,
                    Reasons = """[{"feature":"age","value":"40","effect":0.4},{"feature":"contacts12m","value":"0","effect":0.1}]""",
                });
            }
            // A recent coverage check, so that each customer's only service item is the one a test plants.
            ctx.Interactions.Add(new Interaction
            {
                CustomerId = id, OccurredAt = AsOf.AddMonths(-6).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), Channel = InteractionChannel.Visit,
                Direction = InteractionDirection.Outbound, Purpose = InteractionPurpose.CoverageCheck, Outcome = InteractionOutcome.Completed,
            });
            await ctx.SaveChangesAsync();
        }

        private long _product;
        private long _nextPaying = 1000;

        /// <summary>
        /// A customer of <paramref name="agent"/> (as <see cref="CustomerAsync"/>) holding one in-force contract with the given payment
        /// mode, issue and paid-to dates; returns the customer's id.
        /// </summary>
        public async Task<long> PayingCustomerAsync(long agent, PaymentMode mode, DateOnly issued, DateOnly? paidTo,
            ContractStatus status = ContractStatus.InForce, decimal premium = 100_000m)
        {
            var customerId = ++_nextPaying;
            await CustomerAsync(customerId, agent);
            await using var ctx = Db.CreateContext();
            if (_product == 0)
            {
                var product = new Product { Code = "LHE001", Name = "무배당 건강보험", Line = ProductLine.Life, Family = ProductFamily.Health };
                ctx.Products.Add(product);
                await ctx.SaveChangesAsync();
                _product = product.Id;
            }
            ctx.Contracts.Add(new Contract
            {
                ContractNumber = "K" + customerId.ToString(System.Globalization.CultureInfo.InvariantCulture), ProductId = _product, CustomerId = customerId,
                SumAssured = 10_000_000m, Premium = premium, PaymentMode = mode, PaymentMethod = PaymentMethod.Giro, IssueDate = issued,
                MaturityDate = issued.AddYears(20), ServicingAgentId = agent, Channel = SalesChannel.Fc, Status = status, StatusDate = issued, PaidToDate = paidTo,
            });
            await ctx.SaveChangesAsync();
            return customerId;
        }

        /// <summary>The customer's mobile number on the do-not-call registry since <paramref name="registeredOn"/> (calls and texts).</summary>
        public async Task DoNotCallAsync(long id, DateOnly registeredOn)
        {
            await using var ctx = Db.CreateContext();
            ctx.Set<DoNotCall>().Add(new DoNotCall
            {
                PhoneHash = DoNotCall.HashOf(Protector, MobileOf(id))!, Scope = DoNotCallScope.All, RegisteredOn = registeredOn,
                ExpiresOn = registeredOn.AddYears(ContactPolicy.DoNotCallYears), SourceFile = "dnc.csv", ImportedBy = "compliance", ImportedAt = DateTime.UtcNow,
            });
            await ctx.SaveChangesAsync();
        }

        private long _lapseRun;

        /// <summary>A score of the customer lapse champion (created on first use; no contract model, so retention reads this one).</summary>
        public async Task LapseScoreAsync(long id, double score)
        {
            await using var ctx = Db.CreateContext();
            if (_lapseRun == 0)
            {
                _lapseRun = await ChampionRunAsync(ctx, InsurerModels.Lapse.Name);
            }
            ctx.Set<CustomerModelScore>().Add(new CustomerModelScore { RunId = _lapseRun, CustomerId = id, Score = score, Eligible = true, Reasons = "[]" });
            await ctx.SaveChangesAsync();
        }

        public async Task ContactedAsync(long id, int daysAgo)
        {
            await using var ctx = Db.CreateContext();
            ctx.Interactions.Add(new Interaction
            {
                CustomerId = id, OccurredAt = AsOf.AddDays(-daysAgo).ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc), Channel = InteractionChannel.PhoneOut,
                Direction = InteractionDirection.Outbound, Purpose = InteractionPurpose.Service, Outcome = InteractionOutcome.Reached,
            });
            await ctx.SaveChangesAsync();
        }

        /// <summary>Builds as of a day, with the hand-built mart marked as that day's (else the build would rebuild it from the empty live tables).</summary>
        public async Task<WorklistBuildSummary> BuildAsync(WorklistOptions? options = null, DateOnly? asOf = null)
        {
            await using (var ctx = Db.CreateContext())
            {
                var refresh = await ctx.Set<CustomerTargetRefresh>().SingleAsync();
                refresh.AsOf = asOf ?? AsOf;
                await ctx.SaveChangesAsync();
            }
            await using var consentDb = Db.CreateContext();
            var consents = new ConsentService(consentDb, Policy, Protector, TimeProvider.System, new CustomerScope(consentDb), CoreServices.Log(Db));
            return await new WorklistBuilder(Db.Database, options ?? new WorklistOptions(), TimeProvider.System, consents, Policy).BuildAsync(asOf ?? AsOf);
        }

        public async Task<List<WorkItem>> OpenAsync(long agent)
        {
            await using var ctx = Db.CreateContext();
            return await ctx.WorkItems.AsNoTracking().Where(i => i.AgentId == agent && i.State == WorkItemState.Open).OrderByDescending(i => i.Priority).ToListAsync();
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_CustomerWithoutConsent_GetsNoSellingItemButKeepsTheServiceItem(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        // Both likely to buy health cover and both missing a mobile number; only the first may be approached to sell.
        await kit.CustomerAsync(1, kit.Agent, healthScore: 0.6, mobile: false);
        await kit.CustomerAsync(2, kit.Agent, visit: false, phone: false, healthScore: 0.6, mobile: false);

        var summary = await kit.BuildAsync(new WorklistOptions { Weights = new() { [WorkAction.ContactDetails] = 0.1 } });

        var items = await kit.OpenAsync(kit.Agent);
        items.Single(i => i.CustomerId == 1).Action.ShouldBe(WorkAction.CrossSell);
        items.Single(i => i.CustomerId == 1).Family.ShouldBe(ProductFamily.Health);
        items.Single(i => i.CustomerId == 2).Action.ShouldBe(WorkAction.ContactDetails);
        summary.Refused["NoConsent"].ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_PhoneConsentOnlyAndDoNotCall_GetsNoSellingItemButKeepsTheServiceItem(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        // Both may be called to sell (phone consent only) and both lack a mobile number (a service item, weighed low so that
        // selling would win); only the first customer's number went on the do-not-call registry, after the consent (a
        // registration before a later explicit grant would not block: docs/consent.md).
        await kit.CustomerAsync(1, kit.Agent, visit: false, healthScore: 0.6, mobile: false);
        await kit.CustomerAsync(2, kit.Agent, visit: false, healthScore: 0.6, mobile: false);
        await kit.DoNotCallAsync(1, AsOf.AddDays(-7));

        var summary = await kit.BuildAsync(new WorklistOptions { Weights = new() { [WorkAction.ContactDetails] = 0.1 } });

        var items = await kit.OpenAsync(kit.Agent);
        items.Single(i => i.CustomerId == 1).Action.ShouldBe(WorkAction.ContactDetails);
        items.Single(i => i.CustomerId == 1).Purpose.ShouldBe(WorkPurpose.Service);
        var sale = items.Single(i => i.CustomerId == 2);
        sale.Action.ShouldBe(WorkAction.CrossSell);
        sale.Channel.ShouldBe(WorkChannel.Phone);
        summary.Refused["DoNotCall"].ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_ConsentGrantedMoreThanTwoYearsAgo_RefusesSellingAndGivesThePlaceToTheNextCustomer(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        // The mart still flags the first customer's consent, but the grant lapsed two years after it was given.
        await kit.CustomerAsync(1, kit.Agent, healthScore: 0.9, consentOn: AsOf.AddYears(-2).AddDays(-10));
        await kit.CustomerAsync(2, kit.Agent, healthScore: 0.3);
        var options = new WorklistOptions { MaxItemsPerAgent = 1 };

        var summary = await kit.BuildAsync(options);

        var item = (await kit.OpenAsync(kit.Agent)).Single();
        item.CustomerId.ShouldBe(2);
        item.Action.ShouldBe(WorkAction.CrossSell);
        summary.Refused["ConsentExpired"].ShouldBe(1);
        summary.Open.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_VisitConsentLapsedButPhoneConsentValid_SellsByPhone(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        await kit.CustomerAsync(1, kit.Agent, phone: false, healthScore: 0.7, consentOn: AsOf.AddYears(-3));
        await using (var ctx = kit.Db.CreateContext())
        {
            var from = AsOf.AddMonths(-2);
            ctx.MarketingConsents.Add(new MarketingConsent
            {
                CustomerId = 1, Channel = ContactChannel.Phone, Granted = true, Source = "import", RecordedAt = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                EffectiveFrom = from, ExpiresOn = from.AddYears(ContactPolicy.ConsentYears),
            });
            var row = await ctx.Set<CustomerTarget>().SingleAsync(t => t.CustomerId == 1);
            row.ConsentPhone = true;
            await ctx.SaveChangesAsync();
        }

        var summary = await kit.BuildAsync();

        var item = (await kit.OpenAsync(kit.Agent)).Single();
        item.Action.ShouldBe(WorkAction.CrossSell);
        item.Channel.ShouldBe(WorkChannel.Phone);
        summary.Refused.ContainsKey("ConsentExpired").ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_CampaignEmailBounced_GivesAContactDetailsItemThatSaysSo_UntilTheDetailsAreEdited(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        // Neither may be sold to and both have every detail on file: only a bounce can give them an item.
        await kit.CustomerAsync(1, kit.Agent, visit: false, phone: false);
        await kit.CustomerAsync(2, kit.Agent, visit: false, phone: false);
        var bouncedAt = AsOf.AddDays(-5).ToDateTime(new TimeOnly(2, 0), DateTimeKind.Utc);
        await using (var ctx = kit.Db.CreateContext())
        {
            var campaign = new Campaign
            {
                Code = "C-B-1", Name = "bounce", Theme = "t", Hypothesis = "h", State = CampaignState.Measuring, StartsOn = AsOf.AddDays(-30), EndsOn = AsOf.AddDays(-1),
                ControlShare = 0.2m, SplitSeed = 7, WindowDays = 30, CreatedAt = bouncedAt, UpdatedAt = bouncedAt, OwnerUserId = 1, AuthorUserId = 1,
            };
            ctx.Campaigns.Add(campaign);
            await ctx.SaveChangesAsync();
            CampaignContact Failed(long customer, CampaignChannelKind channel, string error) => new()
            {
                CampaignId = campaign.Id, CustomerId = customer, Channel = channel, Attempt = 1, IdemKey = CampaignContact.KeyOf(campaign.Id, customer, channel, 1),
                State = CampaignContactState.Failed, Error = error, PlannedAt = bouncedAt.AddHours(-1), OutcomeAt = bouncedAt,
            };
            // The mail server refused the first customer's address; the second's text failed on our gateway account (not their number).
            ctx.CampaignContacts.AddRange(Failed(1, CampaignChannelKind.Email, "smtp-550"), Failed(2, CampaignChannelKind.Sms, "sms-401"));
            await ctx.SaveChangesAsync();
        }

        await kit.BuildAsync();

        var item = (await kit.OpenAsync(kit.Agent)).ShouldHaveSingleItem();
        item.CustomerId.ShouldBe(1);
        item.Action.ShouldBe(WorkAction.ContactDetails);
        item.Probability.ShouldBe(0.5, "a bounced e-mail costs paper, as a missing one does");
        var facts = WorkFacts.Read(item.Facts);
        facts.Missing.ShouldBeEmpty();
        facts.Bounced.ShouldBe([new WorkFacts.BouncedDetail("email", AsOf.AddDays(-5))]);

        // The agent corrects the address the next day: the bounce is taken as fixed and the item goes.
        await using (var ctx = kit.Db.CreateContext())
        {
            var customer = await ctx.Customers.SingleAsync(c => c.Id == 1);
            customer.UpdatedAt = AsOf.AddDays(1).ToDateTime(new TimeOnly(1, 0), DateTimeKind.Utc);
            await ctx.SaveChangesAsync();
        }
        var later = await kit.BuildAsync(asOf: AsOf.AddDays(2));
        (await kit.OpenAsync(kit.Agent)).ShouldBeEmpty();
        later.Expired.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_CustomerContactedWithinTheCoolOff_GetsNoSellingItem(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        await kit.CustomerAsync(1, kit.Agent, healthScore: 0.5);
        await kit.CustomerAsync(2, kit.Agent, healthScore: 0.5);
        await kit.CustomerAsync(3, kit.Agent, healthScore: 0.5);
        await kit.ContactedAsync(1, daysAgo: 3);
        await kit.ContactedAsync(2, daysAgo: 20);

        var summary = await kit.BuildAsync(new WorklistOptions { CoolOffDays = 14 });

        var items = await kit.OpenAsync(kit.Agent);
        items.Select(i => i.CustomerId).Order().ShouldBe([2, 3]);
        summary.Refused["CoolOff"].ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_MoreCandidatesThanTheCap_KeepsTheBestAndRollsThemOverWithTheirAge(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        for (var id = 1; id <= 6; id++)
        {
            await kit.CustomerAsync(id, kit.Agent, healthScore: 0.1 * id);
        }
        await kit.CustomerAsync(7, kit.OtherAgent, healthScore: 0.9);
        var options = new WorklistOptions { MaxItemsPerAgent = 3 };

        await kit.BuildAsync(options);
        var first = await kit.OpenAsync(kit.Agent);
        first.Select(i => i.CustomerId).ShouldBe([6, 5, 4]);
        (await kit.OpenAsync(kit.OtherAgent)).Single().CustomerId.ShouldBe(7);

        // Three days later the same customers are still the best: the same items, three days old, nothing new.
        var summary = await kit.BuildAsync(options, AsOf.AddDays(3));
        var later = await kit.OpenAsync(kit.Agent);
        later.Select(i => i.Id).ShouldBe(first.Select(i => i.Id));
        later.ShouldAllBe(i => i.FirstListedOn == AsOf && i.ListedOn == AsOf.AddDays(3));
        summary.Kept.ShouldBe(4);
        summary.New.ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_ServiceWorkOutranksEverySale_TheSalePlacesStillListTheBestSales(DatabaseProvider provider)
    {
        // Four customers missing a mobile (service, 1 × 300,000 × 0.7 = 210,000 each) and two likely buyers below that
        // (0.10 and 0.15 × 1,200,000 = 120,000 and 180,000); the list has three places.
        async Task<List<WorkItem>> ListAsync(int salePlaces)
        {
            var kit = await Kit.CreateAsync(provider);
            await using var _ = kit.Db;
            for (var id = 1; id <= 4; id++)
            {
                await kit.CustomerAsync(id, kit.Agent, mobile: false);
            }
            await kit.CustomerAsync(5, kit.Agent, healthScore: 0.10);
            await kit.CustomerAsync(6, kit.Agent, healthScore: 0.15);
            await kit.BuildAsync(new WorklistOptions { MaxItemsPerAgent = 3, SalePlaces = salePlaces });
            return await kit.OpenAsync(kit.Agent);
        }

        (await ListAsync(salePlaces: 0)).ShouldAllBe(i => i.Action == WorkAction.ContactDetails);

        var items = await ListAsync(salePlaces: 1);
        items.Count.ShouldBe(3);
        // One place for the best sale (customer 6), the other two by priority (service work), best first.
        items.Where(i => i.Action == WorkAction.CrossSell).Select(i => i.CustomerId).ShouldBe([6]);
        items.Count(i => i.Action == WorkAction.ContactDetails).ShouldBe(2);
        items[0].Action.ShouldBe(WorkAction.ContactDetails);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_CustomerLikelyToLapse_KeepsTheRetentionCallRatherThanASalePlace(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        // Customer 1 is likely to buy health cover and likelier to lapse; customer 2 only likely to buy.
        await kit.CustomerAsync(1, kit.Agent, healthScore: 0.3);
        await kit.LapseScoreAsync(1, 0.6);
        await kit.CustomerAsync(2, kit.Agent, healthScore: 0.1);

        await kit.BuildAsync(new WorklistOptions { MaxItemsPerAgent = 2, SalePlaces = 2 });

        var items = await kit.OpenAsync(kit.Agent);
        items.Single(i => i.CustomerId == 1).Action.ShouldBe(WorkAction.Retention);
        items.Single(i => i.CustomerId == 2).Action.ShouldBe(WorkAction.CrossSell);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_ListFullOfRolledOverServiceWork_GivesASalePlaceToANewSale(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        for (var id = 1; id <= 4; id++)
        {
            await kit.CustomerAsync(id, kit.Agent, mobile: false);
        }
        var options = new WorklistOptions { MaxItemsPerAgent = 3, SalePlaces = 1 };
        await kit.BuildAsync(options);
        (await kit.OpenAsync(kit.Agent)).Count(i => i.Action == WorkAction.ContactDetails).ShouldBe(3);

        // The next day a likely buyer appears: one of yesterday's service items gives up its place.
        await kit.CustomerAsync(5, kit.Agent, healthScore: 0.10);
        var summary = await kit.BuildAsync(options, AsOf.AddDays(1));

        var items = await kit.OpenAsync(kit.Agent);
        items.Count.ShouldBe(3);
        items.Single(i => i.Action == WorkAction.CrossSell).CustomerId.ShouldBe(5);
        items.Where(i => i.Action == WorkAction.ContactDetails).ShouldAllBe(i => i.FirstListedOn == AsOf);
        summary.Kept.ShouldBe(2);
        summary.New.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_ItemWhoseReasonIsGone_ExpiresAndFreesItsPlace(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        await kit.CustomerAsync(1, kit.Agent, healthScore: 0.8);
        await kit.CustomerAsync(2, kit.Agent, healthScore: 0.3);
        var options = new WorklistOptions { MaxItemsPerAgent = 1 };
        await kit.BuildAsync(options);
        var first = (await kit.OpenAsync(kit.Agent)).Single();
        first.CustomerId.ShouldBe(1);

        // The customer withdraws consent: the selling item goes, the next customer takes its place.
        await using (var ctx = kit.Db.CreateContext())
        {
            var row = await ctx.Set<CustomerTarget>().SingleAsync(t => t.CustomerId == 1);
            row.ConsentVisit = row.ConsentPhone = false;
            await ctx.SaveChangesAsync();
        }
        var summary = await kit.BuildAsync(options, AsOf.AddDays(1));

        (await kit.OpenAsync(kit.Agent)).Single().CustomerId.ShouldBe(2);
        summary.Expired.ShouldBe(1);
        await using var check = kit.Db.CreateContext();
        (await check.WorkItems.SingleAsync(i => i.Id == first.Id)).State.ShouldBe(WorkItemState.Expired);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_SellingItem_HoldsTheFactsItsExplanationNeeds(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        await kit.CustomerAsync(1, kit.Agent, healthScore: 0.85);

        await kit.BuildAsync();

        var item = (await kit.OpenAsync(kit.Agent)).Single();
        item.Probability.ShouldBe(0.85);
        item.Channel.ShouldBe(WorkChannel.Visit);
        var facts = WorkFacts.Read(item.Facts);
        facts.Model.ShouldBe(InsurerModels.PurchaseHealth.Name);
        facts.Reasons.Select(r => r.Feature).ShouldBe(["age", "contacts12m"]);
        facts.Grade.ShouldBe("B");
        facts.Age.ShouldBe(40);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_BirthdayWithinTheWeek_IsAServiceItemDueThatDay(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        await kit.CustomerAsync(1, kit.Agent, visit: false, phone: false, birth: new DateOnly(1970, 3, 14));
        await kit.CustomerAsync(2, kit.Agent, birth: new DateOnly(1970, 4, 30));

        await kit.BuildAsync();

        var item = (await kit.OpenAsync(kit.Agent)).Single();
        item.CustomerId.ShouldBe(1);
        item.Action.ShouldBe(WorkAction.Birthday);
        item.DueOn.ShouldBe(new DateOnly(2026, 3, 14));
        WorkFacts.Read(item.Facts).Date.ShouldBe(new DateOnly(2026, 3, 14));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_PremiumsPastTheirDueDates_AreAnUnpaidPremiumItemCountingThem(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        // Paid to 2025-12-15: the premiums due 12-15, 01-15 and 02-15 are unpaid on 2026-03-10, among the last 6 due.
        var behind = await kit.PayingCustomerAsync(kit.Agent, PaymentMode.Monthly, new DateOnly(2025, 1, 15), new DateOnly(2025, 12, 15), premium: 200_000m);
        // Issued in December: 2 unpaid of the 3 due since the issue.
        var young = await kit.PayingCustomerAsync(kit.Agent, PaymentMode.Monthly, new DateOnly(2025, 12, 20), new DateOnly(2026, 1, 20));
        // Quarterly, paid to 2025-12-01: the premiums of 12-01 and 03-01 unpaid of the 4 due since June.
        var quarterly = await kit.PayingCustomerAsync(kit.Agent, PaymentMode.Quarterly, new DateOnly(2025, 6, 1), new DateOnly(2025, 12, 1));
        var paidUp = await kit.PayingCustomerAsync(kit.Agent, PaymentMode.Monthly, new DateOnly(2025, 1, 15), new DateOnly(2026, 3, 15));
        var dueToday = await kit.PayingCustomerAsync(kit.Agent, PaymentMode.Monthly, new DateOnly(2025, 1, 10), new DateOnly(2026, 3, 10));
        var lumpSum = await kit.PayingCustomerAsync(kit.Agent, PaymentMode.LumpSum, new DateOnly(2025, 1, 15), new DateOnly(2025, 1, 15));
        var unknown = await kit.PayingCustomerAsync(kit.Agent, PaymentMode.Monthly, new DateOnly(2025, 1, 15), null);
        var lapsed = await kit.PayingCustomerAsync(kit.Agent, PaymentMode.Monthly, new DateOnly(2025, 1, 15), new DateOnly(2025, 10, 15), ContractStatus.Lapsed);

        var summary = await kit.BuildAsync();

        var items = (await kit.OpenAsync(kit.Agent)).Where(i => i.Action == WorkAction.UnpaidPremium).ToDictionary(i => i.CustomerId);
        // None for the contract paid ahead, the premium due today, the lump sum, the unknown date or the lapsed contract.
        items.Keys.ShouldBe([behind, young, quarterly], ignoreOrder: true);
        foreach (var none in new[] { paidUp, dueToday, lumpSum, unknown, lapsed })
        {
            items.ShouldNotContainKey(none);
        }
        summary.OpenByAction[WorkAction.UnpaidPremium].ShouldBe(3);

        var item = items[behind];
        item.Purpose.ShouldBe(WorkPurpose.Service);
        item.Channel.ShouldBe(WorkChannel.Phone);
        item.Value.ShouldBe(200_000m * 12 * 0.1m, "a year's premium times the margin");
        // The grace period of the 12-15 premium ended on 01-31: as urgent as it gets.
        item.DueOn.ShouldBe(new DateOnly(2026, 1, 31));
        item.Priority.ShouldBe(1 * 240_000 * 2.0 * 2, 1e-6);
        var facts = WorkFacts.Read(item.Facts);
        (facts.Unpaid, facts.UnpaidOutOf, facts.PaidTo, facts.Date).ShouldBe((3, 6, new DateOnly(2025, 12, 15), new DateOnly(2026, 1, 31)));
        facts.ProductName.ShouldBe("무배당 건강보험");
        facts.ContractNumber.ShouldNotBeNull();
        var y = WorkFacts.Read(items[young].Facts);
        (y.Unpaid, y.UnpaidOutOf).ShouldBe((2, 3));
        var q = WorkFacts.Read(items[quarterly].Facts);
        (q.Unpaid, q.UnpaidOutOf, q.Date).ShouldBe((2, 4, new DateOnly(2026, 1, 31)));
    }

    [Theory]
    [InlineData("2025-01-31", PaymentMode.Monthly, "2025-02-28", "2025-04-01", 2, 3)] // 02-28 and 03-31 unpaid; 01-31, 02-28, 03-31 due
    [InlineData("2025-01-15", PaymentMode.SemiAnnual, "2026-01-15", "2026-01-16", 1, 3)]
    [InlineData("2020-05-01", PaymentMode.Annual, "2025-05-01", "2026-03-10", 1, 6)]
    [InlineData("2024-01-10", PaymentMode.Monthly, "2025-01-10", "2026-03-10", 14, 14)] // more unpaid than the window: all shown
    public void UnpaidOn_CountsTheDueDatesFromThePaidToDate(string issue, PaymentMode mode, string paidTo, string asOf, int unpaid, int outOf)
    {
        var u = PremiumSchedule.UnpaidOn(DateOnly.Parse(issue, System.Globalization.CultureInfo.InvariantCulture), mode,
            DateOnly.Parse(paidTo, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture), 6);
        u.ShouldNotBeNull();
        (u.Count, u.OutOf).ShouldBe((unpaid, outOf));
    }

    [Fact]
    public void Options_NegativeWeightOrCapOfZero_AreRefusedByName()
    {
        var errors = new WorklistOptions { MaxItemsPerAgent = 0, Weights = new() { [WorkAction.Birthday] = -1 } }.Validate().ToList();
        errors.ShouldContain(e => e.Contains("Worklists:MaxItemsPerAgent", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Contains("Worklists:Weights:Birthday", StringComparison.Ordinal));
    }

    /// <summary>The call center's referral as the console sends it, at 10:00 in Seoul on the build day.</summary>
    private static async Task<ReferralResult> ReferAsync(Kit kit, long customerId, ProductFamily family, string note = "종신보험 보장 내용 문의")
    {
        await using var ctx = kit.Db.CreateContext();
        var clock = new InsureCrm.Tests.Worklists.WorklistKit.Fixed(new DateTimeOffset(AsOf.ToDateTime(new TimeOnly(1, 0)), TimeSpan.Zero));
        return await new Referrals(ctx, new WorklistOptions(), Policy, clock).ReferAsync(customerId, family, note, "callcenter");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Referral_IsOnTheServicingAgentsListAtOnce_AndSurvivesTheNightlyBuilds(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        // A customer of the agent who called the call center today (the call is a contact within the cool-off) and would
        // otherwise get nothing; another customer likely to buy health cover fills the rest of the list.
        var caller = await kit.PayingCustomerAsync(kit.Agent, PaymentMode.Monthly, AsOf.AddYears(-2), AsOf.AddMonths(1));
        await kit.ContactedAsync(caller, 0);
        await kit.CustomerAsync(2, kit.Agent, healthScore: 0.6);

        var sent = await ReferAsync(kit, caller, ProductFamily.WholeLife);

        sent.Status.ShouldBe(ReferralStatus.Sent);
        sent.AgentCode.ShouldBe("A1");
        var listed = (await kit.OpenAsync(kit.Agent)).Single(i => i.CustomerId == caller);
        listed.Action.ShouldBe(WorkAction.Referral);
        listed.Family.ShouldBe(ProductFamily.WholeLife);
        listed.FirstListedOn.ShouldBe(AsOf);
        WorkFacts.Read(listed.Facts).Note.ShouldBe("종신보험 보장 내용 문의");

        // The night's build and the next day's: still there, with its first day and the call center's note.
        await kit.BuildAsync();
        var summary = await kit.BuildAsync(asOf: AsOf.AddDays(1));
        var kept = (await kit.OpenAsync(kit.Agent)).Single(i => i.CustomerId == caller);
        kept.Id.ShouldBe(listed.Id);
        kept.Action.ShouldBe(WorkAction.Referral);
        kept.FirstListedOn.ShouldBe(AsOf);
        kept.ListedOn.ShouldBe(AsOf.AddDays(1));
        WorkFacts.Read(kept.Facts).Note.ShouldBe("종신보험 보장 내용 문의");
        WorkFacts.Read(kept.Facts).Date.ShouldBe(AsOf);
        summary.OpenByAction[WorkAction.Referral].ShouldBe(1);
        summary.OpenByAction[WorkAction.CrossSell].ShouldBe(1);

        // The same need heard again renews the item instead of doubling it.
        (await ReferAsync(kit, caller, ProductFamily.WholeLife, "다시 문의")).Status.ShouldBe(ReferralStatus.Renewed);
        (await kit.OpenAsync(kit.Agent)).Count(i => i.CustomerId == caller).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Referral_OfACustomerWithoutMarketingConsent_IsDroppedByTheListsRules(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        // The referral goes on the list at once; the night's build judges it as the selling item it is: no consent for a
        // visit or a call, so it expires (docs/callcenter.md says so to the call center).
        await kit.CustomerAsync(5, kit.Agent, visit: false, phone: false);
        await using (var ctx = kit.Db.CreateContext())
        {
            var product = new Product { Code = "LWL001", Name = "무배당 종신보험", Line = ProductLine.Life, Family = ProductFamily.WholeLife };
            ctx.Products.Add(product);
            await ctx.SaveChangesAsync();
            ctx.Contracts.Add(new Contract
            {
                ContractNumber = "K5", ProductId = product.Id, CustomerId = 5, SumAssured = 10_000_000m, Premium = 50_000m, PaymentMode = PaymentMode.Monthly,
                PaymentMethod = PaymentMethod.Giro, IssueDate = AsOf.AddYears(-1), ServicingAgentId = kit.Agent, Channel = SalesChannel.Fc,
                Status = ContractStatus.InForce, StatusDate = AsOf.AddYears(-1),
            });
            await ctx.SaveChangesAsync();
        }

        (await ReferAsync(kit, 5, ProductFamily.Health)).Status.ShouldBe(ReferralStatus.Sent);
        var summary = await kit.BuildAsync();

        (await kit.OpenAsync(kit.Agent)).ShouldNotContain(i => i.Action == WorkAction.Referral);
        summary.Refused["NoConsent"].ShouldBeGreaterThanOrEqualTo(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Referral_OfACustomerWithoutAServicingAgent_SaysSoAndListsNothing(DatabaseProvider provider)
    {
        var kit = await Kit.CreateAsync(provider);
        await using var _ = kit.Db;
        await kit.CustomerAsync(9, kit.Agent); // in the mart, but holds no contract

        (await ReferAsync(kit, 9, ProductFamily.Health)).Status.ShouldBe(ReferralStatus.NoAgent);

        await using var ctx = kit.Db.CreateContext();
        (await ctx.WorkItems.CountAsync(i => i.Action == WorkAction.Referral)).ShouldBe(0);
    }
}
