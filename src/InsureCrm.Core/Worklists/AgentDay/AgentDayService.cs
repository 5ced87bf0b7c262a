using System.Globalization;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Worklists.AgentDay;

/// <summary>
/// The agent's (and CS consultant's) side of the day (issue 14, points 2, 3, 5 and 7): today's list, an item opened with
/// its customer card, and a visit or call result recorded as one transaction (the interaction of the customer's history,
/// the result row the branch view counts, the item closed or snoozed, an appointment for the calendar feed, and for a
/// campaign item its outcome through Campaigns). An agent only ever reaches items of their own agent id: another
/// agent's item answers exactly like an unknown one (null, NotFound).
/// Internal like the contact policy and consent service it takes (the web host and tests see Core's internals).
/// </summary>
internal sealed class AgentDayService(
    CrmDbContext db, ConsentService consents, ContactPolicy policy, ICampaignWorkLists campaignLists, IAccessLog log, TimeProvider clock,
    IEnumerable<IWorkResultListener> listeners)
{
    public const int MaxNotes = 2000;
    public const int MaxPlace = 200;
    public const int RecentContacts = 5;
    public const int DefaultAppointmentMinutes = 30;

    /// <summary>Outcomes that mean the customer was reached: the history the best time is learnt from.</summary>
    private static readonly InteractionOutcome[] ReachedOutcomes =
        [InteractionOutcome.Completed, InteractionOutcome.Reached, InteractionOutcome.Interested, InteractionOutcome.Sold, InteractionOutcome.FollowUp];

    /// <summary>Whether the user works a list: an agent or CS consultant account linked to an agent.</summary>
    public static bool HasList(CrmUser user) =>
        user is { Role: Role.Agent or Role.CsConsultant, AgentId: not null } && user.Role.Allows(Capability.CustomersView);

    /// <summary>The local day in Asia/Seoul (the contact policy's zone) that results count for.</summary>
    public DateOnly Today() => policy.LocalDate(clock.GetUtcNow());

    /// <summary>Today's list; null for a user who has no list (another role, or an account not linked to an agent).</summary>
    public async Task<AgentDayList?> TodayAsync(CrmUser user, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!HasList(user))
        {
            return null;
        }
        var agentId = user.AgentId!.Value;
        var today = Today();
        // Three queries whatever the list's length (the page is every agent's first request of the day): the items with
        // their customers' name, mobile and address as scalar subqueries, the results of the day, the appointments.
        var rows = await (from i in Visible(agentId, today)
                          join c in db.Customers.AsNoTracking() on i.CustomerId equals c.Id
                          orderby i.Priority descending, i.FirstListedOn, i.Id
                          select new
                          {
                              Item = i,
                              c.Name,
                              Mobile = c.Phones.OrderBy(p => p.Kind == PhoneKind.Mobile ? 0 : 1).ThenByDescending(p => p.IsPrimary).ThenBy(p => p.Id)
                                  .Select(p => p.Number).FirstOrDefault(),
                              Sido = c.Addresses.OrderByDescending(a => a.IsPrimary).ThenBy(a => a.Id).Select(a => a.Sido).FirstOrDefault(),
                              Sigungu = c.Addresses.OrderByDescending(a => a.IsPrimary).ThenBy(a => a.Id).Select(a => a.Sigungu).FirstOrDefault(),
                              Line = c.Addresses.OrderByDescending(a => a.IsPrimary).ThenBy(a => a.Id).Select(a => a.Line).FirstOrDefault(),
                          }).ToListAsync(ct);
        var done = await db.WorkResults.AsNoTracking().CountAsync(r => r.AgentId == agentId && r.Day == today, ct);
        var (dayStart, dayEnd) = DayBounds(today);
        var appointments = await (from a in db.Appointments.AsNoTracking()
                                  where a.AgentId == agentId && a.CancelledAt == null && a.StartsAt >= dayStart && a.StartsAt < dayEnd
                                  join c in db.Customers.AsNoTracking() on a.CustomerId equals c.Id into named
                                  from c in named.DefaultIfEmpty()
                                  orderby a.StartsAt, a.Id
                                  select new { Appointment = a, Name = c == null ? null : c.Name }).ToListAsync(ct);
        // A role that does not see contact data gets the name only (the columns were read with the row, never shown).
        var sees = user.Role.SeesContactData();
        return new AgentDayList(
            today,
            [.. rows.Select(r => ItemOf(r.Item, today, new CustomerReach(r.Name, sees ? r.Mobile : null,
                (sees && (r.Sido ?? r.Sigungu ?? r.Line) is not null) ? new AddressParts(default, r.Sido ?? "", r.Sigungu ?? "", r.Line ?? "", null).OneLine : null)))],
            done,
            [.. appointments.Select(x => new AgentDayAppointment(x.Appointment.Id, x.Appointment.CustomerId, x.Name ?? "", x.Appointment.StartsAt,
                TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(x.Appointment.StartsAt, DateTimeKind.Utc), policy.Zone), x.Appointment.Minutes,
                x.Appointment.Channel, x.Appointment.Place))]);
    }

    /// <summary>
    /// One of the user's items with its customer card; null when there is no such item, it is another agent's, or the user
    /// has no list (all three answer alike). Opening it is logged as a view of the customer.
    /// </summary>
    public async Task<AgentDayDetail?> ItemAsync(CrmUser user, long itemId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!HasList(user))
        {
            return null;
        }
        var item = await db.WorkItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId && i.AgentId == user.AgentId, ct);
        if (item is null)
        {
            return null;
        }
        var customer = await db.Customers.AsNoTracking().Include(c => c.Phones).Include(c => c.Emails).Include(c => c.Addresses)
            .AsSplitQuery().FirstOrDefaultAsync(c => c.Id == item.CustomerId && c.MergedIntoId == null, ct);
        if (customer is null)
        {
            return null;
        }
        var today = Today();
        var facts = WorkFacts.Read(item.Facts);
        var sees = user.Role.SeesContactData();
        var phones = customer.Phones.OrderByDescending(p => p.IsPrimary).ThenBy(p => p.Kind).ThenBy(p => p.Id)
            .Select(p => new CardPhone(p.Kind, p.Number, Masking.Phone(p.Number), p.IsPrimary)).ToList();
        var mobile = phones.Find(p => p.Kind == PhoneKind.Mobile)?.Number ?? phones.FirstOrDefault()?.Number;
        var address = customer.Addresses.OrderByDescending(a => a.IsPrimary).ThenBy(a => a.Id).FirstOrDefault();
        var email = customer.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).FirstOrDefault()?.Address;
        var card = new CustomerCard(
            customer.Id, customer.Name, facts.Age ?? AgeOn(customer.BirthDate, today), facts.Grade, facts.Segment, sees ? mobile : null,
            sees ? phones : [],
            address is null ? null : new AddressParts(address.Kind, address.Sido, address.Sigungu, sees ? address.Line : "", address.PostalCode),
            sees ? email : null, email is null ? null : Masking.Email(email),
            customer.PreferredChannel, customer.PreferredContactTime, customer.Occupation, customer.Version);
        var recent = await db.Interactions.AsNoTracking().Where(i => i.CustomerId == customer.Id)
            .OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id).Take(RecentContacts)
            .Select(i => new RecentContact(i.OccurredAt, i.Channel, i.Purpose, i.Outcome, i.Notes)).ToListAsync(ct);
        var best = await BestContactAsync(customer.Id, customer.PreferredContactTime, today, ct);
        var product = item.Family is { } family ? await SuggestAsync(family, ct) : null;
        string? script = null, offer = null;
        if (item.CampaignContactId is { } contactId)
        {
            // The campaign's own list renders the channel's script in the customer's language with the offer (ItemsAsync);
            // an open contact of this agent is on it. A contact closed since has no script to show.
            var campaignItem = (await campaignLists.AgentListAsync(user, ct)).FirstOrDefault(x => x.ContactId == contactId);
            (script, offer) = (campaignItem?.ScriptBody, campaignItem?.OfferName);
        }
        var reach = new CustomerReach(customer.Name, sees ? mobile : null, address is null || !sees ? null : card.Address!.OneLine);
        await log.RecordAsync(user, new AccessEvent(AccessAction.View, customer.Id, null, "worklist item"), ct);
        return new AgentDayDetail(ItemOf(item, today, reach), card, recent, best, product, script, offer);
    }

    /// <summary>
    /// Records a visit or call result in one transaction: the interaction, the result row (its day in Asia/Seoul), the item
    /// done or snoozed (to the next step's date, or to tomorrow when nobody was reached), an appointment when one is given,
    /// and a campaign item's outcome through Campaigns. A result sent with an item version other than the stored one is a
    /// conflict and writes nothing.
    /// </summary>
    public async Task<WorkResultOutcome> RecordAsync(CrmUser user, WorkResultEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(entry);
        if (!HasList(user))
        {
            return user.Role.Allows(Capability.CustomersView) && user.Role is Role.Agent or Role.CsConsultant
                ? WorkResultOutcome.NotFound
                : WorkResultOutcome.Forbidden;
        }
        var now = clock.GetUtcNow();
        var today = policy.LocalDate(now);
        var errors = Validate(entry, now, today);
        if (errors.Count > 0)
        {
            return WorkResultOutcome.Invalid(errors);
        }
        var item = await db.WorkItems.FirstOrDefaultAsync(i => i.Id == entry.ItemId && i.AgentId == user.AgentId, ct);
        if (item is null)
        {
            return WorkResultOutcome.NotFound;
        }
        if (item.Version != entry.Version || item.State is WorkItemState.Done or WorkItemState.Expired)
        {
            return WorkResultOutcome.Conflict(item.State, item.Version);
        }
        var at = now.UtcDateTime;
        var notes = string.IsNullOrWhiteSpace(entry.Notes) ? null : entry.Notes.Trim();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        long? interactionId = null;
        if (item.CampaignContactId is { } contactId && CallOutcomeOf(entry.Outcome) is { } callOutcome)
        {
            // A campaign item's outcome goes through Campaigns, which closes the contact (so the campaign counts it) and
            // writes the contact's interaction itself (SourceKey CMP-{contact}); that interaction is the result's, and we
            // write none of our own: one contact, one row in the customer's history. It says Visit (Campaigns records an
            // agent's contact as a visit), and history is append-only, so a phoned result keeps that channel there; the
            // result row keeps the channel the agent chose. A contact Campaigns no longer takes (closed on the campaign's
            // own list, the campaign stopped) falls back to our own interaction below. "Not reached" is not sent: it would
            // close the contact for good, while the item comes back tomorrow for another try.
            var recorded = await campaignLists.RecordOutcomeAsync(user, new OutcomeEntry(contactId, callOutcome, notes), ct);
            if (recorded.IsOk)
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"CMP-{contactId}");
                interactionId = await db.Interactions.Where(i => i.SourceKey == key).Select(i => (long?)i.Id).FirstOrDefaultAsync(ct);
            }
        }
        Interaction? own = null;
        if (interactionId is null)
        {
            own = new Interaction
            {
                CustomerId = item.CustomerId, OccurredAt = at,
                Channel = entry.Channel == WorkChannel.Visit ? InteractionChannel.Visit : InteractionChannel.PhoneOut,
                Direction = InteractionDirection.Outbound, Purpose = PurposeOf(item.Action), Outcome = InteractionOutcomeOf(entry.Outcome),
                AgentId = item.AgentId, StaffUser = user.UserName, Notes = notes,
                // One result per item version, so the key is unique even when an item is worked several times.
                SourceKey = string.Create(CultureInfo.InvariantCulture, $"WI-{item.Id}-{item.Version + 1}"),
            };
            db.Interactions.Add(own);
        }

        // The version the agent read is the one the UPDATE expects: a result saved meanwhile makes it touch no row.
        db.Entry(item).Property(i => i.Version).OriginalValue = entry.Version;
        item.Version = entry.Version + 1;
        item.Outcome = entry.Outcome;
        var snoozeTo = entry.NextOn ?? (entry.Outcome == WorkOutcome.NotReached ? today.AddDays(1) : null);
        if (snoozeTo is { } until)
        {
            item.State = WorkItemState.Snoozed;
            item.SnoozedUntil = until;
        }
        else
        {
            item.State = WorkItemState.Done;
            item.SnoozedUntil = null;
            item.ClosedAt = at;
            item.ClosedBy = user.UserName;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var stored = await db.WorkItems.AsNoTracking().Where(i => i.Id == entry.ItemId).Select(i => new { i.State, i.Version }).FirstAsync(ct);
            return WorkResultOutcome.Conflict(stored.State, stored.Version);
        }
        interactionId ??= own!.Id;
        var result = new WorkResult
        {
            ItemId = item.Id, AgentId = item.AgentId, CustomerId = item.CustomerId, Action = item.Action, Channel = entry.Channel,
            Outcome = entry.Outcome, RecordedAt = at, Day = today, RecordedBy = user.UserName, Notes = notes, NextOn = entry.NextOn,
            InteractionId = interactionId.Value,
        };
        db.WorkResults.Add(result);
        Appointment? appointment = null;
        if (entry.AppointmentOn is { } day && entry.AppointmentAt is { } time)
        {
            appointment = new Appointment
            {
                Uid = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture) + "@insurecrm",
                AgentId = item.AgentId, CustomerId = item.CustomerId, ItemId = item.Id, StartsAt = LocalToUtc(day, time),
                Minutes = entry.AppointmentMinutes ?? DefaultAppointmentMinutes, Channel = entry.Channel,
                Place = string.IsNullOrWhiteSpace(entry.AppointmentPlace) ? null : entry.AppointmentPlace.Trim(),
                Notes = notes, CreatedAt = at, Sequence = 0,
            };
            db.Appointments.Add(appointment);
        }
        await db.SaveChangesAsync(ct);
        foreach (var listener in listeners)
        {
            await listener.OnRecordedAsync(item, result, ct);
        }
        await tx.CommitAsync(ct);
        return new WorkResultOutcome(WorkResultStatus.Recorded, new Dictionary<string, string[]>(), item.State, item.Version, interactionId, appointment?.Id);
    }

    /// <summary>Field checks, as error codes by field (see <see cref="WorkResultErrors"/>).</summary>
    public Dictionary<string, string[]> Validate(WorkResultEntry entry, DateTimeOffset now, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Enum.IsDefined(entry.Outcome))
        {
            errors["outcome"] = [WorkResultErrors.Unknown];
        }
        if (!Enum.IsDefined(entry.Channel))
        {
            errors["channel"] = [WorkResultErrors.Unknown];
        }
        if (entry.Notes is { Length: > MaxNotes })
        {
            errors["notes"] = [WorkResultErrors.TooLong];
        }
        if (entry.NextOn is { } next)
        {
            if (next < today)
            {
                errors["nextOn"] = [WorkResultErrors.Past];
            }
            else if (next > today.AddYears(1))
            {
                errors["nextOn"] = [WorkResultErrors.TooFar];
            }
        }
        var wantsAppointment = entry.AppointmentOn is not null || entry.AppointmentAt is not null
            || !string.IsNullOrWhiteSpace(entry.AppointmentPlace) || entry.Outcome == WorkOutcome.Appointment;
        if (wantsAppointment)
        {
            if (entry.AppointmentOn is null)
            {
                errors["appointmentOn"] = [WorkResultErrors.Required];
            }
            if (entry.AppointmentAt is null)
            {
                errors["appointmentAt"] = [WorkResultErrors.Required];
            }
            if (entry.AppointmentOn is { } day && entry.AppointmentAt is { } time)
            {
                var starts = LocalToUtc(day, time);
                if (starts < now.UtcDateTime)
                {
                    errors["appointmentOn"] = [WorkResultErrors.Past];
                }
                else if (day > today.AddYears(1))
                {
                    errors["appointmentOn"] = [WorkResultErrors.TooFar];
                }
            }
            if (entry.AppointmentMinutes is { } minutes && minutes is < 5 or > 480)
            {
                errors["appointmentMinutes"] = [WorkResultErrors.Range];
            }
            if (entry.AppointmentPlace is { Length: > MaxPlace })
            {
                errors["appointmentPlace"] = [WorkResultErrors.TooLong];
            }
        }
        return errors;
    }

    /// <summary>The interaction purpose of an action.</summary>
    public static InteractionPurpose PurposeOf(WorkAction action) => action switch
    {
        WorkAction.CrossSell or WorkAction.UpSell or WorkAction.LoanCrossSell or WorkAction.Referral => InteractionPurpose.Sales,
        WorkAction.CoverageCheck => InteractionPurpose.CoverageCheck,
        WorkAction.ClaimFollowUp => InteractionPurpose.Claim,
        WorkAction.Birthday => InteractionPurpose.Greeting,
        WorkAction.Campaign => InteractionPurpose.Campaign,
        WorkAction.UnpaidPremium => InteractionPurpose.Collection,
        _ => InteractionPurpose.Service,
    };

    /// <summary>The interaction outcome a result is recorded as.</summary>
    public static InteractionOutcome InteractionOutcomeOf(WorkOutcome outcome) => outcome switch
    {
        WorkOutcome.Reached => InteractionOutcome.Reached,
        WorkOutcome.NotReached => InteractionOutcome.NoAnswer,
        WorkOutcome.Refused => InteractionOutcome.Refused,
        WorkOutcome.Interested => InteractionOutcome.Interested,
        WorkOutcome.Appointment => InteractionOutcome.FollowUp,
        WorkOutcome.Sold => InteractionOutcome.Sold,
        // Met, the service task done, and "does not apply" (noted why) are completed contacts.
        _ => InteractionOutcome.Completed,
    };

    /// <summary>
    /// The campaign's outcome code of a result; null for "not reached", which stays with the item (see <see cref="RecordAsync"/>).
    /// The campaign has no code for "does not apply": it closes the contact as not taken up (refused).
    /// </summary>
    public static CallOutcome? CallOutcomeOf(WorkOutcome outcome) => outcome switch
    {
        WorkOutcome.Met or WorkOutcome.Reached or WorkOutcome.ServiceDone => CallOutcome.Reached,
        WorkOutcome.Refused or WorkOutcome.NotApplicable => CallOutcome.Refused,
        WorkOutcome.Interested => CallOutcome.Interested,
        WorkOutcome.Appointment => CallOutcome.Appointment,
        WorkOutcome.Sold => CallOutcome.Sold,
        _ => null,
    };

    /// <summary>The day part of a local time; null outside 08–21 (the contact policy's quiet hours).</summary>
    public static DayPart? PartOf(TimeOnly local) => local.Hour switch
    {
        >= 8 and < 12 => DayPart.Morning,
        >= 12 and < 17 => DayPart.Afternoon,
        >= 17 and < 21 => DayPart.Evening,
        _ => null,
    };

    private IQueryable<WorkItem> Visible(long agentId, DateOnly today) =>
        db.WorkItems.AsNoTracking().Where(i => i.AgentId == agentId
            && (i.State == WorkItemState.Open || (i.State == WorkItemState.Snoozed && i.SnoozedUntil != null && i.SnoozedUntil <= today)));

    private static AgentDayItem ItemOf(WorkItem i, DateOnly today, CustomerReach? reach) => new(
        i.Id, i.CustomerId, reach?.Name ?? "", i.Action, i.Purpose, i.Priority, i.Probability, i.Family, i.Channel, i.FirstListedOn,
        Math.Max(0, today.DayNumber - i.FirstListedOn.DayNumber), i.DueOn, i.State, WorkFacts.Read(i.Facts), i.Version,
        reach?.Mobile, reach?.Address);

    private sealed record CustomerReach(string Name, string? Mobile, string? Address);

    /// <summary>
    /// The day part and weekday/weekend most of the customer's reached contacts fell in (Asia/Seoul), and a visit when the
    /// contact policy would let a marketing visit through at midday (the customer's visit consent), else a call.
    /// </summary>
    private async Task<BestContact> BestContactAsync(long customerId, ContactTime preferred, DateOnly today, CancellationToken ct)
    {
        var times = await db.Interactions.AsNoTracking()
            .Where(i => i.CustomerId == customerId && ReachedOutcomes.Contains(i.Outcome))
            .OrderByDescending(i => i.OccurredAt).Take(200).Select(i => i.OccurredAt).ToListAsync(ct);
        var slots = times
            .Select(t => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), policy.Zone))
            .Select(local => (Part: PartOf(TimeOnly.FromDateTime(local)), Weekend: local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday))
            .Where(s => s.Part is not null)
            .GroupBy(s => s)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Part).ThenBy(g => g.Key.Weekend)
            .FirstOrDefault();
        var noon = policy.StartOf(today).AddHours(12);
        var visit = await consents.CheckAsync(new ContactRequest(customerId, ContactChannel.Visit, ContactPurpose.Marketing, noon), ct);
        var channel = visit is { Allowed: true } ? WorkChannel.Visit : WorkChannel.Phone;
        return slots is null
            ? new BestContact(null, null, 0, preferred, channel)
            : new BestContact(slots.Key.Part, slots.Key.Weekend, slots.Count(), preferred, channel);
    }

    /// <summary>The family's product sold most (main products only; riders are never sold alone).</summary>
    private async Task<SuggestedProduct?> SuggestAsync(ProductFamily family, CancellationToken ct)
    {
        var products = await db.Products.AsNoTracking().Where(p => p.Family == family && !p.IsRider).ToListAsync(ct);
        if (products.Count == 0)
        {
            return null;
        }
        var ids = products.Select(p => p.Id).ToList();
        var sold = await db.Contracts.AsNoTracking().Where(k => ids.Contains(k.ProductId))
            .GroupBy(k => k.ProductId).Select(g => new { ProductId = g.Key, Count = g.Count() }).ToListAsync(ct);
        var counts = sold.ToDictionary(s => s.ProductId, s => s.Count);
        var best = products.OrderByDescending(p => counts.GetValueOrDefault(p.Id)).ThenBy(p => p.Code, StringComparer.Ordinal).First();
        return new SuggestedProduct(best.Code, best.Name, best.Family);
    }

    private (DateTime From, DateTime To) DayBounds(DateOnly day) =>
        (policy.StartOf(day).UtcDateTime, policy.StartOf(day.AddDays(1)).UtcDateTime);

    private DateTime LocalToUtc(DateOnly day, TimeOnly time) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.ToDateTime(time), DateTimeKind.Unspecified), policy.Zone);

    private static int? AgeOn(DateOnly? birth, DateOnly today)
    {
        if (birth is not { } b)
        {
            return null;
        }
        var age = today.Year - b.Year;
        return today < b.AddYears(age) ? age - 1 : age;
    }
}
