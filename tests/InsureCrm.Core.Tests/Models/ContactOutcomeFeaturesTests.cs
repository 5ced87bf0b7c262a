using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Worklists;
using InsureCrm.Core.Worklists.AgentDay;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using InsureCrm.Tests.Worklists;

namespace InsureCrm.Core.Tests.Models;

/// <summary>
/// Issue 14 point 5: what an agent records on /today becomes the customer's contact-outcome features (recency of the
/// last reached contact, refusals, positive outcomes) as of a cutoff, counting only results recorded by then.
/// </summary>
public sealed class ContactOutcomeFeaturesTests
{
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));
    /// <summary>Friday 2026-12-04, noon in Seoul: the refusal.</summary>
    private static readonly DateTimeOffset RefusedAt = new(2026, 12, 4, 3, 0, 0, TimeSpan.Zero);
    /// <summary>Monday 2027-03-15, noon in Seoul: the interest, after <see cref="Cutoff"/>.</summary>
    private static readonly DateTimeOffset InterestedAt = new(2027, 3, 15, 3, 0, 0, TimeSpan.Zero);
    /// <summary>Two months after the refusal.</summary>
    private static readonly DateOnly Cutoff = new(2027, 2, 4);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ComputeAsync_WorklistResults_BecomeOutcomeFeaturesOnlyFromTheirDayOn(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        var ids = await WorkItemSeed.AddAsync(ctx,
            WorkItemSeed.Retention(family.AgentId, family.HongId, DateOnly.FromDateTime(RefusedAt.UtcDateTime).AddDays(-1)),
            WorkItemSeed.CrossSell(family.AgentId, family.HongId, DateOnly.FromDateTime(InterestedAt.UtcDateTime).AddDays(-1), ProductFamily.Health));
        var agent = CoreServices.AgentOf(family);
        var before = await FeaturesAsync(db, family.HongId, Cutoff);

        (await CoreServices.AgentDay(ctx, db, RefusedAt).RecordAsync(agent, new WorkResultEntry(ids[0], 0, WorkOutcome.Refused, WorkChannel.Phone)))
            .Status.ShouldBe(WorkResultStatus.Recorded);
        (await CoreServices.AgentDay(ctx, db, InterestedAt).RecordAsync(agent, new WorkResultEntry(ids[1], 0, WorkOutcome.Interested, WorkChannel.Visit)))
            .Status.ShouldBe(WorkResultStatus.Recorded);

        var atCutoff = await FeaturesAsync(db, family.HongId, Cutoff);
        before[InsurerFeatures.Refusals12m].ShouldBe(0);
        atCutoff[InsurerFeatures.Refusals12m].ShouldBe(1, "the refusal recorded 2 months before the cutoff");
        atCutoff[InsurerFeatures.MonthsSinceContact].ShouldBe(2, "the refused call reached the customer 2 months before");
        before[InsurerFeatures.MonthsSinceContact].ShouldBe(InsurerFeatures.NoContactMonths, "the seeded visit lies more than 12 months before");
        atCutoff[InsurerFeatures.PositiveOutcomes12m].ShouldBe(0, "the interest was recorded after the cutoff");
        atCutoff[InsurerFeatures.Contacts12m].ShouldBe(before[InsurerFeatures.Contacts12m] + 1, "only the refusal is on or before the cutoff");

        var later = await FeaturesAsync(db, family.HongId, new DateOnly(2027, 3, 31));
        later[InsurerFeatures.PositiveOutcomes12m].ShouldBe(1, "as of a later date the interest counts");
        later[InsurerFeatures.Refusals12m].ShouldBe(1);
        later[InsurerFeatures.MonthsSinceContact].ShouldBe(0, "the visit of 03-15 is the last contact");
        var dayBefore = await FeaturesAsync(db, family.HongId, new DateOnly(2026, 12, 3));
        dayBefore[InsurerFeatures.Refusals12m].ShouldBe(0, "the refusal is not known the day before it was recorded");
    }

    [Fact]
    public void Outcomes_NoAnswerAndErrandsAreNoContact_RefusalsAndPositivesCountedByOutcome()
    {
        var day = new DateTime(2027, 1, 10, 3, 0, 0, DateTimeKind.Utc);
        var (last, refusals, positives) = InsurerFeatures.Outcomes(
        [
            (day.AddDays(20), InteractionChannel.PhoneOut, InteractionDirection.Outbound, InteractionPurpose.Sales, InteractionOutcome.NoAnswer),
            (day.AddDays(21), InteractionChannel.PhoneOut, InteractionDirection.Outbound, InteractionPurpose.Collection, InteractionOutcome.Reached),
            (day.AddDays(22), InteractionChannel.PhoneIn, InteractionDirection.Inbound, InteractionPurpose.Inquiry, InteractionOutcome.FollowUp),
            (day, InteractionChannel.Visit, InteractionDirection.Outbound, InteractionPurpose.Sales, InteractionOutcome.NotInterested),
            (day.AddDays(-5), InteractionChannel.Visit, InteractionDirection.Outbound, InteractionPurpose.Sales, InteractionOutcome.Sold),
            (day.AddDays(-9), InteractionChannel.PhoneOut, InteractionDirection.Outbound, InteractionPurpose.Campaign, InteractionOutcome.FollowUp),
        ]);

        last.ShouldBe(day, "a no-answer, a collection call and an inbound call are not the relationship's last contact");
        refusals.ShouldBe(1);
        positives.ShouldBe(2, "a sale and an appointment (follow-up) count; an inbound inquiry's follow-up does not");
    }

    private static async Task<double[]> FeaturesAsync(TestDatabase db, long customerId, DateOnly cutoff)
    {
        await using var ctx = db.CreateContext();
        var terminations = await InsurerFeatures.AgentTerminationsAsync(ctx, CancellationToken.None);
        var chunk = await InsurerFeatures.ComputeAsync(ctx, customerId, customerId, cutoff, withLabels: false, terminations, CancellationToken.None);
        chunk.Rows.ShouldBe(1);
        var row = new double[chunk.Columns.Length];
        chunk.CopyRow(0, row);
        return row;
    }
}
