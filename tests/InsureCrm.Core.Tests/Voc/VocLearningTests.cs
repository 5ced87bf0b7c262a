using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Core.Voc.Text;
using InsureCrm.Tests.CallCenter;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Voc;

/// <summary>
/// What VOC learns, on both providers (issue 16): the classifier trained on the cases staff classified and kept in the
/// database, its suggestion at intake (used for routing when the caller gave none, shown, confirmed or corrected), repeat
/// links across channels, and the demo's generated year of cases. Fictional people; generated texts.
/// </summary>
public sealed class VocLearningTests
{
    /// <summary>Classified cases as staff would have filed them: generated texts under the category tree's codes.</summary>
    private static async Task SeedConfirmedAsync(CrmDbContext ctx, int count, int seed = 7)
    {
        var records = VocTextGenerator.Generate(new VocTextGeneration(count, seed, VocKit.Start.AddDays(-200)));
        var i = 0;
        foreach (var r in records)
        {
            ctx.VocCases.Add(new VocCase
            {
                Number = $"T-{seed}-{i++}", Channel = VocChannel.Email, Type = VocLearning.TypeOf(r.Type), CategoryCode = VocTreeCodes.Of(r.Category),
                Severity = VocSeverity.Normal, Subject = r.Subject, Text = r.Text, State = VocState.Closed, ReceivedAt = r.ReceivedAt.UtcDateTime,
                CreatedBy = "test",
            });
        }
        await ctx.SaveChangesAsync();
    }

    private static VocLearning Learning(CrmDbContext ctx, VocKit kit) => new(ctx, kit.Options, kit.Clock);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Train_StoresTheModel_BeatsBothBaselines_AndEvaluateStoresNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var learning = Learning(ctx, kit);

        var tooFew = await learning.TrainAsync("analyst", VocLearning.Seed, CancellationToken.None);
        tooFew.ModelId.ShouldBeNull();
        tooFew.Refusal.ShouldNotBeNull().ShouldContain("at least 40");

        await SeedConfirmedAsync(ctx, 600);
        // A suggested but unconfirmed case is not learned from.
        ctx.VocCases.Add(new VocCase
        {
            Number = "T-suggested", Channel = VocChannel.Email, Type = VocType.Compliment, CategoryCode = "privacy.leak", ClassificationSuggested = true,
            Severity = VocSeverity.Low, Text = "아무 말", State = VocState.Assigned, ReceivedAt = VocKit.Start.UtcDateTime, CreatedBy = "test",
        });
        await ctx.SaveChangesAsync();

        var evaluated = await learning.EvaluateAsync(VocLearning.Seed, CancellationToken.None);
        evaluated.Cases.ShouldBe(600);
        evaluated.ModelId.ShouldBeNull();
        (await ctx.VocClassifierModels.CountAsync()).ShouldBe(0);

        var trained = await learning.TrainAsync("analyst", VocLearning.Seed, CancellationToken.None);
        var e = trained.Evaluation.ShouldNotBeNull();
        e.TestCases.ShouldBeGreaterThan(100);
        e.TypeAccuracy.ShouldBeGreaterThan(e.MajorityTypeAccuracy);
        e.TypeAccuracy.ShouldBeGreaterThan(e.KeywordTypeAccuracy);
        e.CategoryAccuracy.ShouldBeGreaterThan(e.KeywordCategoryAccuracy);
        e.CategoryAccuracy.ShouldBeGreaterThan(0.8);
        var stored = await ctx.VocClassifierModels.AsNoTracking().SingleAsync();
        (stored.Id, stored.Cases, stored.TrainedBy, stored.CategoryAccuracy).ShouldBe((trained.ModelId!.Value, 600, "analyst", e.CategoryAccuracy));
        VocLearning.Describe(e).ShouldContain("keyword rules");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TimeSuggestions_NeedsAStoredModel_ThenTimesEachOfTheNewestCases(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var learning = Learning(ctx, kit);
        await SeedConfirmedAsync(ctx, 120);

        (await learning.TimeSuggestionsAsync(new VocClassifierCache(), 30, CancellationToken.None)).ShouldBeNull();

        var trained = await learning.TrainAsync("analyst", VocLearning.Seed, CancellationToken.None);
        var timing = (await learning.TimeSuggestionsAsync(new VocClassifierCache(), 30, CancellationToken.None)).ShouldNotBeNull();
        timing.ModelId.ShouldBe(trained.ModelId!.Value);
        timing.Milliseconds.Count.ShouldBe(30);
        timing.Milliseconds.ShouldAllBe(ms => ms > 0);
        timing.Describe().ShouldContain("30 cases");

        // Nearest rank: of 1..100 ms the 50th and the 99th.
        var known = new VocSuggestionTiming(1, 9, [.. Enumerable.Range(1, 100).Reverse().Select(i => (double)i)]);
        (known.Percentile(50), known.Percentile(99)).ShouldBe((50.0, 99.0));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Open_WithoutTypeOrCategory_UsesTheSuggestionForRouting_AndStaffCorrectionCountsForTraining(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var handler = await kit.UserAsync("claims-handler", Role.VocHandler);
        await kit.MemberAsync("CLAIMS", handler);
        await kit.MemberAsync("POLICY", handler);
        await SeedConfirmedAsync(ctx, 600);
        var learning = Learning(ctx, kit);
        await learning.TrainAsync("analyst", VocLearning.Seed, CancellationToken.None);
        (await learning.NewConfirmationsAsync(CancellationToken.None)).ShouldBe(0);

        var opened = await kit.Intake.OpenAsync(new VocIntakeRequest(VocChannel.Email, null, null, VocSeverity.Normal, "보험금 언제 나오나요",
            "지난달 입원비를 청구했는데 20일째 보험금이 지급되지 않았습니다. 손해사정 중이라고만 하고 지급 일정을 알려주지 않습니다."), null);

        var c = await kit.CaseAsync(opened.CaseId!.Value);
        c.SuggestedCategoryCode.ShouldBe("claims.delay");
        c.SuggestedCategoryConfidence.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(kit.Options.SuggestionThreshold);
        c.SuggestedType.ShouldNotBeNull();
        (c.CategoryCode, c.ClassificationSuggested).ShouldBe(("claims.delay", true));
        c.ManagingDepartmentId.ShouldBe((await kit.DepartmentAsync("CLAIMS")).Id);
        var suggestedEvent = (await kit.EventsAsync(c.Id)).Single(x => x.Kind == VocEventKind.Suggested);
        suggestedEvent.Note.ShouldNotBeNull().ShouldContain("claims.delay");

        // A type the caller gave stays; the suggestion is only kept beside it.
        var typed = await kit.Intake.OpenAsync(new VocIntakeRequest(VocChannel.Email, VocType.Inquiry, "payment.refund", VocSeverity.Low, null,
            "지난달 입원비를 청구했는데 20일째 보험금이 지급되지 않았습니다."), null);
        var t = await kit.CaseAsync(typed.CaseId!.Value);
        (t.Type, t.CategoryCode, t.ClassificationSuggested, t.SuggestedCategoryCode).ShouldBe((VocType.Inquiry, "payment.refund", false, "claims.delay"));

        // The handler corrects the category: recorded in the timeline, no longer a suggestion, learned from next time.
        var before = (await learning.ConfirmedAsync(CancellationToken.None)).Count;
        (await kit.Cases.ClassifyAsync(handler, c.Id, VocType.Complaint, "claims.documents", VocSeverity.Normal)).Status.ShouldBe(VocActionStatus.Done);
        var corrected = await kit.CaseAsync(c.Id);
        (corrected.CategoryCode, corrected.ClassificationSuggested).ShouldBe(("claims.documents", false));
        (await kit.EventsAsync(c.Id)).Last().Note.ShouldNotBeNull().ShouldContain("corrected");
        (await learning.ConfirmedAsync(CancellationToken.None)).Count.ShouldBe(before + 1);
        ((await learning.NewConfirmationsAsync(CancellationToken.None)) ?? 0).ShouldBeGreaterThanOrEqualTo(2);
        var notDue = await learning.RetrainIfDueAsync("system:nightly", CancellationToken.None);
        notDue.ModelId.ShouldBeNull();
        notDue.Refusal.ShouldNotBeNull().ShouldContain("Voc:RetrainAfter");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Open_TextWithNothingToRead_OrNoModel_GetsNoSuggestion(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);

        var noModel = await kit.Intake.OpenAsync(new VocIntakeRequest(VocChannel.WebForm, null, null, VocSeverity.Normal, null, "보험금이 지급되지 않았습니다."), null);
        var n = await kit.CaseAsync(noModel.CaseId!.Value);
        (n.SuggestedType, n.Type, n.ClassificationSuggested).ShouldBe((null, null, false));

        await SeedConfirmedAsync(ctx, 200);
        await Learning(ctx, kit).TrainAsync("analyst", VocLearning.Seed, CancellationToken.None);
        var tags = await kit.Intake.OpenAsync(new VocIntakeRequest(VocChannel.WebForm, null, null, VocSeverity.Normal, null, "<p> </p><br/>"), null);
        var c = await kit.CaseAsync(tags.CaseId!.Value);
        (c.SuggestedType, c.SuggestedCategoryCode, c.Type, c.CategoryCode).ShouldBe((null, null, null, null));
        (await kit.EventsAsync(c.Id)).ShouldNotContain(e => e.Kind == VocEventKind.Suggested);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Open_SameCustomerSameMatterThroughAnotherChannel_IsLinkedAsRepeat_WithinTheWindowOnly(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var branch = await VocKit.BranchAsync(ctx);
        var agent = await WorklistKit.AgentAsync(ctx, branch, "A-REP", "가상설계사");
        var product = await CallCenterKit.ProductAsync(ctx);
        var customer = await WorklistKit.CustomerAsync(ctx, "가나다");
        var other = await WorklistKit.CustomerAsync(ctx, "라마바", "01055509876");
        var contract = await CallCenterKit.ContractAsync(ctx, product, customer.Id, agent, new DateOnly(2024, 1, 1));
        var first = await kit.Intake.OpenAsync(VocKit.Complaint("3월 2일에 입원비를 청구했는데 보험금이 지급되지 않았습니다.") with
        {
            CustomerId = customer.Id, ContractId = contract.Id,
        }, null);

        kit.Clock.Now = VocKit.Start.AddDays(5);
        var again = await kit.Intake.OpenAsync(new VocIntakeRequest(VocChannel.Email, VocType.Complaint, "claims.delay", VocSeverity.Normal, "RE: 보험금 지급 지연",
            "지난번에 전화로 말씀드린 입원비 보험금이 아직도 지급되지 않았습니다.") { CustomerId = customer.Id, ContractId = contract.Id }, null);
        var elsewhere = await kit.Intake.OpenAsync(new VocIntakeRequest(VocChannel.Email, VocType.Complaint, "claims.delay", VocSeverity.Normal, "RE: 보험금 지급 지연",
            "지난번에 전화로 말씀드린 입원비 보험금이 아직도 지급되지 않았습니다.") { CustomerId = other.Id }, null);
        var anonymous = await kit.Intake.OpenAsync(new VocIntakeRequest(VocChannel.Email, VocType.Complaint, "claims.delay", VocSeverity.Normal, "RE: 보험금 지급 지연",
            "지난번에 전화로 말씀드린 입원비 보험금이 아직도 지급되지 않았습니다."), null);

        var repeat = await kit.CaseAsync(again.CaseId!.Value);
        repeat.RepeatOfId.ShouldBe(first.CaseId);
        repeat.RepeatScore.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(kit.Options.RepeatThreshold);
        (await kit.EventsAsync(repeat.Id)).Single(e => e.Kind == VocEventKind.RepeatLinked).Note.ShouldNotBeNull().ShouldContain(first.Number!);
        (await kit.CaseAsync(elsewhere.CaseId!.Value)).RepeatOfId.ShouldBeNull();
        (await kit.CaseAsync(anonymous.CaseId!.Value)).RepeatOfId.ShouldBeNull();

        var admin = await kit.UserAsync("admin", Role.Admin);
        var earlierView = (await kit.Cases.GetAsync(admin, first.CaseId!.Value)).ShouldNotBeNull();
        earlierView.Repeats.Select(r => r.Number).ShouldBe([again.Number!]);
        (await kit.Cases.GetAsync(admin, repeat.Id)).ShouldNotBeNull().RepeatOf.ShouldNotBeNull().Number.ShouldBe(first.Number);
        (await kit.Cases.ListAsync(null, null, false, 50)).Single(r => r.Id == repeat.Id).RepeatOfId.ShouldBe(first.CaseId);

        // Past the window (30 days by default) the same words are a new case.
        kit.Clock.Now = VocKit.Start.AddDays(45);
        var late = await kit.Intake.OpenAsync(new VocIntakeRequest(VocChannel.Email, VocType.Complaint, "claims.delay", VocSeverity.Normal, "RE: 보험금 지급 지연",
            "3월 2일에 입원비를 청구했는데 보험금이 지급되지 않았습니다.") { CustomerId = customer.Id, ContractId = contract.Id, ReceivedAt = VocKit.Start.AddDays(45) }, null);
        var lateCase = await kit.CaseAsync(late.CaseId!.Value);
        lateCase.RepeatOfId.ShouldBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DemoCases_TiedToCustomersByTheirEvents_WithPlantedRepeatsFoundByTheMatcher(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var handler = await kit.UserAsync("voc", Role.VocHandler);
        foreach (var code in new[] { "CS", "CLAIMS", "POLICY", "CALLCENTER", "SALES", "COMPLIANCE", "PRIVACY" })
        {
            await kit.MemberAsync(code, handler);
        }
        var branch = await VocKit.BranchAsync(ctx);
        var agent = await WorklistKit.AgentAsync(ctx, branch, "A-DEMO", "가상설계사");
        var product = await CallCenterKit.ProductAsync(ctx);
        // More customers than the generator's (so two writers are rarely one customer), three contracts each (the generator's writers hold up to three).
        var people = Enumerable.Range(0, 450).Select(i => new Customer
        {
            Name = "고객" + i, NameScript = NameScript.Hangul, CreatedAt = VocKit.Start.UtcDateTime, UpdatedAt = VocKit.Start.UtcDateTime,
        }).ToList();
        ctx.Customers.AddRange(people);
        await ctx.SaveChangesAsync();
        var contracts = people.SelectMany((p, i) => Enumerable.Range(0, 3).Select(n => new Contract
        {
            ContractNumber = $"K{i:0000}-{n}", ProductId = product.Id, CustomerId = p.Id, SumAssured = 10_000_000, Premium = 50_000, PaymentMode = PaymentMode.Monthly,
            PaymentMethod = PaymentMethod.AutoDebit, IssueDate = new DateOnly(2023, 1, 1), SellingAgentId = agent.Id, ServicingAgentId = agent.Id,
            Channel = SalesChannel.Fc, Status = i % 5 == 0 && n == 0 ? ContractStatus.Lapsed : ContractStatus.InForce, StatusDate = new DateOnly(2023, 1, 1),
        })).ToList();
        ctx.Contracts.AddRange(contracts);
        await ctx.SaveChangesAsync();
        var lapsed = people.Where((_, i) => i % 5 == 0).Select(p => p.Id).ToHashSet();
        var claimed = people.Where((_, i) => i % 5 == 1).Select(p => p.Id).ToHashSet();
        ctx.Claims.AddRange(contracts.Where(k => claimed.Contains(k.CustomerId) && k.ContractNumber.EndsWith("-0", StringComparison.Ordinal)).Select(k => new Claim
        {
            ClaimNumber = "CL" + k.ContractNumber, ContractId = k.Id, CustomerId = k.CustomerId, Cause = "hospital", ClaimDate = new DateOnly(2027, 1, 10),
        }));
        await ctx.SaveChangesAsync();

        var written = await new DemoVocCases(db.Database, kit.Options, kit.VocClock, kit.Clock).EnsureAsync(600, CancellationToken.None);

        written.ShouldBeGreaterThan(500);
        (await new DemoVocCases(db.Database, kit.Options, kit.VocClock, kit.Clock).EnsureAsync(600, CancellationToken.None)).ShouldBe(0);
        var cases = await ctx.VocCases.AsNoTracking().ToListAsync();
        cases.Count.ShouldBe(written);
        cases.ShouldAllBe(c => c.Number == VocIntake.NumberOf(c.ReceivedAt, c.Id));
        cases.ShouldAllBe(c => c.ReceivedAt <= VocKit.Start.UtcDateTime && c.ReceivedAt >= VocKit.Start.UtcDateTime.AddDays(-366));
        // Events drive who writes: claims from customers with an unpaid claim, payments from those with a lapsed contract.
        static double Share(IEnumerable<VocCase> among, HashSet<long> who) =>
            among.Where(c => c.CustomerId != null).Average(c => who.Contains(c.CustomerId!.Value) ? 1.0 : 0.0);
        var claims = cases.Where(c => c.CategoryCode?.StartsWith("claims.", StringComparison.Ordinal) == true).ToList();
        var payments = cases.Where(c => c.CategoryCode?.StartsWith("payment.", StringComparison.Ordinal) == true).ToList();
        var others = cases.Except(claims).Except(payments).ToList();
        Share(claims, claimed).ShouldBeGreaterThan(2 * Share(others, claimed));
        Share(payments, lapsed).ShouldBeGreaterThan(2 * Share(others, lapsed));
        // States: older cases nearly all resolved with an answer; some still open; regulator referrals on their deadline.
        var old = cases.Where(c => c.ReceivedAt < VocKit.Start.UtcDateTime.AddDays(-31)).ToList();
        old.Count(c => c.State is VocState.Resolved or VocState.Closed).ShouldBeGreaterThan(old.Count * 9 / 10);
        old.Where(c => c.State is VocState.Resolved or VocState.Closed).ShouldAllBe(c => c.Answer != null && c.ResolvedAt != null);
        cases.ShouldContain(c => c.Gap != null && c.Satisfaction != null);
        cases.ShouldContain(c => c.State != VocState.Resolved && c.State != VocState.Closed);
        cases.Where(c => c.Channel == VocChannel.Regulator).ShouldAllBe(c => c.RegulatorDueAt == c.ReceivedAt.AddDays(14));
        cases.Count(c => c.Type != null).ShouldBeGreaterThan(cases.Count * 8 / 10);
        (await ctx.VocEvents.CountAsync(e => e.Kind == VocEventKind.Created)).ShouldBe(written);

        var figures = await DemoVocCases.EvaluateRepeatsAsync(ctx, kit.Options, CancellationToken.None);
        figures.Repeats.ShouldBeGreaterThan(40);
        figures.Precision.ShouldBeGreaterThan(0.7);
        figures.Recall.ShouldBeGreaterThan(0.6);
        cases.Where(c => c.RepeatOfId != null).ShouldAllBe(c => cases.Single(e => e.Id == c.RepeatOfId).CustomerId == c.CustomerId);

        // A classifier trains on the confirmed demo cases.
        var learned = await Learning(ctx, kit).TrainAsync("demo-setup", VocLearning.Seed, CancellationToken.None);
        learned.Evaluation.ShouldNotBeNull().CategoryAccuracy.ShouldBeGreaterThan(learned.Evaluation.KeywordCategoryAccuracy);
    }
}
