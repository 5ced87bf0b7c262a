using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Synthetic;

internal sealed partial class ChunkGenerator
{
    private static readonly ContactPolicy Policy = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul"));

    /// <summary>
    /// In the month a planted campaign starts: the plan's rule on the person as they stand at the start, then the
    /// arm (the year's universal holdout, then Control by the split hash), the waterfall's first channel the contact
    /// policy allows, and for a Test member the contact (sent, or blocked with the policy's reasons) with its
    /// interaction. Draws nothing from the chunk's stream.
    /// </summary>
    private void PlantMembers(SimPerson p, DateOnly month, DateOnly monthEnd, double purchaseRate)
    {
        foreach (var run in _campaigns)
        {
            var start = run.Plan.StartsOn;
            if (start < month || start > monthEnd || p.Acquisition > start || !p.IsAliveOn(start))
            {
                continue;
            }
            var held = HoldingsOn(p, start, run.Plan.ObjectiveFamilies, out var holdsObjective);
            if (CampaignPlan.Eligible(p.Kind == CustomerKind.Individual, p.AgeOn(start), held, holdsObjective))
            {
                Plant(p, run, held, purchaseRate);
            }
        }
    }

    private void Plant(SimPerson p, PlantedRun run, int held, double purchaseRate)
    {
        var plan = run.Plan;
        var arm = CampaignPlan.Assign(plan, _seed, run.HoldoutSalt, run.HoldoutShare, p.Id);
        var stratum = HiddenModel.CampaignStratum(held);
        var agent = ActiveServicingAgent(p, plan.StartsOn);
        CampaignChannelKind? reached = null;
        var firstRefusal = "";
        foreach (var channel in plan.Channels)
        {
            var refusal = Refusal(p, channel, agent, run.ContactAt);
            if (refusal is null)
            {
                reached = channel;
                break;
            }
            if (channel == plan.Channels[0])
            {
                firstRefusal = refusal;
            }
        }
        // Both arms get their planned channel, so that results by channel have a randomised control; the holdout none.
        var planned = arm == PlantedArm.Holdout ? null : reached;
        long? offer = planned is { } ch && run.Offers.TryGetValue(ch, out var o) ? o : null;
        long? agentId = agent >= 0 ? _force.Agents[agent].Id : null;
        long? branchId = agent >= 0 ? _force.Branches[_force.Agents[agent].BranchIndex].Id : null;
        _data[SyntheticTables.CampaignMember].Add(
        [
            run.CampaignId, p.Id, arm switch { PlantedArm.Test => CampaignArm.Test, PlantedArm.Control => CampaignArm.Control, _ => CampaignArm.Excluded },
            arm == PlantedArm.Holdout ? MemberExclusion.UniversalHoldout : null, "holdings:" + stratum,
            SplitHash.Key(plan.SplitSeed(_seed), p.Id), planned, offer, agentId, branchId,
        ]);

        if (!_data.CampaignTallies.TryGetValue(plan.Key, out var tally))
        {
            _data.CampaignTallies[plan.Key] = tally = new PlantedTally();
        }
        var beta = HiddenModel.CampaignUplift(stratum) * run.EffectScale;
        var objectiveRate = purchaseRate * ObjectiveShare(p, plan.StartsOn, plan.ObjectiveFamilies);
        var (p0, p1, uplift) = CampaignPlan.Truth(objectiveRate, beta, plan.WindowMonths, reached is not null);
        tally.Add(arm, stratum, reached is not null, uplift);
        _data.CampaignTruth.Add(string.Create(Inv,
            $"{run.CampaignId},{p.Id},{arm},{stratum},{(reached is null ? 0 : 1)},{p0:F6},{p1:F6},{uplift:F6}"));
        if (arm != PlantedArm.Test)
        {
            return;
        }

        var contactId = ++_ids.CampaignContact;
        var channelUsed = reached ?? plan.Channels[0];
        var at = run.ContactAt;
        long? script = run.Scripts.TryGetValue(channelUsed, out var s) ? s : null;
        long? contactOffer = run.Offers.TryGetValue(channelUsed, out var co) ? co : null;
        var contactAgent = channelUsed == CampaignChannelKind.Agent ? agentId : null;
        var message = reached is CampaignChannelKind.Email or CampaignChannelKind.Sms or CampaignChannelKind.Dm;
        var call = reached is CampaignChannelKind.Agent or CampaignChannelKind.CallList;
        _data[SyntheticTables.CampaignContact].Add(
        [
            contactId, run.CampaignId, p.Id, channelUsed, 1, CampaignContact.KeyOf(run.CampaignId, p.Id, channelUsed, 1),
            reached is null ? CampaignContactState.Blocked : message ? CampaignContactState.Sent : CampaignContactState.Done,
            reached is null ? firstRefusal : "", script, contactOffer, contactAgent, at,
            reached is null ? null : at,
            message ? string.Create(Inv, $"<cmp-{run.CampaignId}-{contactId}@synthetic.insurecrm.example>") : null,
            call ? CallOutcome.Reached : null, call ? at : null, call ? run.Author : null,
        ]);
        if (reached is not { } used)
        {
            return;
        }
        // The contact is on the customer's timeline (source key CMP-{contact}, as the sender writes it); it does not
        // count as the hidden model's recent contact, so that the planted β is the whole effect and the truth exact.
        _data[SyntheticTables.Interaction].Add(
        [
            ++_ids.Interaction, p.Id, at, InteractionChannelOf(used), InteractionDirection.Outbound, InteractionPurpose.Campaign,
            call ? InteractionOutcome.Reached : InteractionOutcome.Completed, contactAgent,
            used switch { CampaignChannelKind.CallList => "tm-center", CampaignChannelKind.Agent => null, _ => run.Author }, null,
            string.Create(Inv, $"CMP-{contactId}"),
        ]);
        p.Touch(plan.StartsOn);
        (p.Treated ??= []).Add(new TreatedWindow(plan.StartsOn, run.WindowEnd, beta, plan.ObjectiveFamilies,
            new Random(SyntheticRandom.Derive(_seed, plan.Key, p.Id))));
    }

    /// <summary>
    /// The planted effect: during a reached Test member's window the hazard of the objective families is exp(β) times
    /// what it is without the campaign, so on top of the month's own draw a purchase among those families happens with
    /// hazard (exp(β) − 1)·rate·share for the days of the month inside the window. Every draw (and the contract it makes,
    /// issued within the window) comes from the campaign's own stream.
    /// </summary>
    private void TreatedPurchases(SimPerson p, DateOnly month, DateOnly monthEnd, double purchaseRate)
    {
        foreach (var t in p.Treated!)
        {
            var from = Max(Max(month, t.From), p.Acquisition);
            var to = Min(monthEnd, t.To);
            if (to < from)
            {
                continue;
            }
            var days = to.DayNumber - from.DayNumber + 1;
            var hazard = (Math.Exp(t.Beta) - 1) * purchaseRate * ObjectiveShare(p, from, t.Families) * days / DateTime.DaysInMonth(month.Year, month.Month);
            if (t.Rng.NextDouble() >= 1 - Math.Exp(-hazard))
            {
                continue;
            }
            var day = from.AddDays(t.Rng.Next(days));
            var main = _rng;
            _rng = t.Rng;
            try
            {
                Purchase(p, day, t.Families, issueBy: t.To);
            }
            finally
            {
                _rng = main;
            }
        }
    }

    /// <summary>Active contracts issued by <paramref name="day"/>, and whether one of them is of <paramref name="families"/>.</summary>
    private static int HoldingsOn(SimPerson p, DateOnly day, IReadOnlyList<ProductFamily> families, out bool holdsFamily)
    {
        var n = 0;
        holdsFamily = false;
        foreach (var c in p.Contracts)
        {
            if (c.IssueDate <= day && ContractLifecycle.IsActive(c.Status))
            {
                n++;
                holdsFamily |= families.Contains(c.Spec.Family);
            }
        }
        return n;
    }

    /// <summary>The share of a purchase on <paramref name="day"/> that falls on <paramref name="families"/> (the product weights).</summary>
    private double ObjectiveShare(SimPerson p, DateOnly day, IReadOnlyList<ProductFamily> families)
    {
        var all = Weights(p, day, PersonProducts, null);
        return all <= 0 ? 0 : Weights(p, day, PersonProducts, families) / all;
    }

    /// <summary>Null when the channel reaches the person at <paramref name="at"/>; else why not (<c>NoAddress</c>, or the contact policy's reasons).</summary>
    private static string? Refusal(SimPerson p, CampaignChannelKind channel, int agent, DateTime at)
    {
        var hasAddress = channel switch
        {
            CampaignChannelKind.Email => p.Email is not null,
            CampaignChannelKind.Sms or CampaignChannelKind.CallList => p.Mobile is not null,
            CampaignChannelKind.Agent => agent >= 0,
            _ => true,
        };
        if (!hasAddress)
        {
            return nameof(CampaignBlockReason.NoAddress);
        }
        var contactChannel = channel switch
        {
            CampaignChannelKind.Email => ContactChannel.Email,
            CampaignChannelKind.Sms => ContactChannel.Sms,
            CampaignChannelKind.Agent => ContactChannel.Visit,
            CampaignChannelKind.CallList => ContactChannel.Phone,
            _ => ContactChannel.Dm,
        };
        var rows = new List<MarketingConsent>();
        foreach (var r in p.ConsentRows ?? [])
        {
            if ((ContactChannel)r[2]! == contactChannel)
            {
                rows.Add(new MarketingConsent
                {
                    Id = (long)r[0]!, CustomerId = p.Id, Channel = contactChannel, Granted = (bool)r[3]!, NightTimeAllowed = (bool)r[4]!,
                    Source = (string)r[5]!, RecordedAt = (DateTime)r[6]!, EffectiveFrom = (DateOnly)r[7]!, ExpiresOn = (DateOnly?)r[8],
                });
            }
        }
        var decision = Policy.Check(new ContactRequest(p.Id, contactChannel, ContactPurpose.Marketing, new DateTimeOffset(at, TimeSpan.Zero)), rows, []);
        return decision.Allowed ? null : string.Join(',', decision.Reasons);
    }

    private static InteractionChannel InteractionChannelOf(CampaignChannelKind channel) => channel switch
    {
        CampaignChannelKind.Email => InteractionChannel.Email,
        CampaignChannelKind.Sms => InteractionChannel.Sms,
        CampaignChannelKind.Agent => InteractionChannel.Visit,
        CampaignChannelKind.CallList => InteractionChannel.PhoneOut,
        _ => InteractionChannel.Dm,
    };
}
