using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Interactions;

namespace InsureCrm.Core.Synthetic;

internal sealed partial class ChunkGenerator
{
    /// <summary>Where the demo's first consents were captured: never on a visit (the list and its order are part of what a seed generates).</summary>
    private static readonly string[] FirstConsentSources = [CaptureSource.Branch, CaptureSource.Web, CaptureSource.CallCenter, CaptureSource.Paper];

    /// <summary>Marketing consent as captured at the first contact, renewed every two years by some, withdrawn by a few.</summary>
    private void Consents(SimPerson p)
    {
        if (p.Kind == CustomerKind.Individual && p.AgeOn(_asOf) < 14)
        {
            return;
        }
        ReadOnlySpan<(ContactChannel Channel, double Granted)> channels =
            p.Kind == CustomerKind.Corporate
                ? [(ContactChannel.Phone, 0.7), (ContactChannel.Dm, 0.6)]
                : [(ContactChannel.Phone, 0.55), (ContactChannel.Sms, 0.6), (ContactChannel.Email, 0.5), (ContactChannel.Dm, 0.35)];
        var source = _rng.Pick(FirstConsentSources);
        var captured = Max(p.Acquisition, p.BirthDate?.AddYears(14) ?? p.Acquisition);
        foreach (var (channel, grantedP) in channels)
        {
            if (channel == ContactChannel.Email && p.Email is null || !_rng.Chance(0.85) || captured > _asOf)
            {
                continue;
            }
            var granted = _rng.Chance(grantedP);
            var from = captured;
            var expires = granted ? from.AddYears(ContactPolicy.ConsentYears) : (DateOnly?)null;
            ConsentRow(p, channel, granted, granted && _rng.Chance(0.2), source, from, expires);
            if (channel == ContactChannel.Sms)
            {
                p.SmsConsent = granted;
            }
            while (granted && expires is { } e && e <= _asOf && _rng.Chance(0.5))
            {
                from = e.AddDays(-_rng.Next(0, 30));
                expires = from.AddYears(ContactPolicy.ConsentYears);
                ConsentRow(p, channel, true, _rng.Chance(0.2), CaptureSource.CallCenter, from, expires);
            }
            if (granted && _rng.Chance(0.06))
            {
                var withdrawn = DayIn(from, _asOf);
                ConsentRow(p, channel, false, false, _rng.Chance(0.5) ? CaptureSource.Web : CaptureSource.CallCenter, withdrawn, null);
                if (channel == ContactChannel.Sms)
                {
                    p.SmsConsent = false;
                }
            }
        }
    }

    private void ConsentRow(SimPerson p, ContactChannel channel, bool granted, bool night, string source, DateOnly from, DateOnly? expires)
    {
        object?[] row = [++_ids.Consent, p.Id, channel, granted, night, source, At(from), from, expires];
        _data[SyntheticTables.Consent].Add(row);
        if (_campaigns.Count > 0)
        {
            // Planted campaigns judge their contacts against these rows with the contact policy itself.
            (p.ConsentRows ??= []).Add(row);
        }
    }

    private void EmitCustomer(SimPerson p, long? duplicateOf, MergeRule? rule, string? sourceSystem, SimPerson truth)
    {
        var created = At(p.Acquisition, 9, 10);
        var updated = p.LastActivity > p.Acquisition ? At(p.LastActivity) : created;
        var rrn = p.Rrn;
        _data[SyntheticTables.Customer].Add(
        [
            p.Id, p.Kind, p.Name, p.Script, p.BirthDate, p.Gender,
            rrn is { } r1 ? _protector.Encrypt(r1.Digits) : null,
            rrn is { } r2 ? _protector.Hash(r2.Digits) : null,
            rrn?.Masked, p.BusinessNumber, p.Occupation, p.Band, p.Marital,
            p.Kind == CustomerKind.Corporate || duplicateOf is not null ? null : p.ChildBirths.Count,
            p.PreferredChannel, p.PreferredTime, created, updated < created ? created : updated, null, 1,
        ]);

        // Phones, e-mail, addresses.
        var region = KoreanRegions.All[p.Sido];
        if (p.Mobile is not null)
        {
            _data[SyntheticTables.Phone].Add([++_ids.Phone, p.Id, p.Kind == CustomerKind.Corporate ? PhoneKind.Work : PhoneKind.Mobile, p.Mobile, true]);
        }
        if (p.Kind == CustomerKind.Individual && p.IsAdult && duplicateOf is null && _rng.Chance(0.15))
        {
            _data[SyntheticTables.Phone].Add([++_ids.Phone, p.Id, PhoneKind.Home, region.AreaCode + _rng.Next(2000000, 9999999).ToString(Inv), p.Mobile is null]);
        }
        if (p.Email is not null)
        {
            _data[SyntheticTables.Email].Add([++_ids.Email, p.Id, p.Email, true]);
        }
        _data[SyntheticTables.Address].Add([++_ids.Address, p.Id, p.Kind == CustomerKind.Corporate ? AddressKind.Work : AddressKind.Home,
            region.Name, p.Sigungu, KoreanRegions.AddressLine(_rng), KoreanRegions.PostalCode(_rng, region), true]);
        if (p.Kind == CustomerKind.Individual && p.IsAdult && duplicateOf is null && p.Occupation is not ("주부" or "은퇴" or "무직" or "학생") && _rng.Chance(0.12))
        {
            var work = KoreanRegions.All[_rng.Chance(0.8) ? p.Sido : KoreanRegions.ByPopulation.Pick(_rng)];
            _data[SyntheticTables.Address].Add([++_ids.Address, p.Id, AddressKind.Work, work.Name, _rng.Pick(work.Sigungu),
                KoreanRegions.AddressLine(_rng), KoreanRegions.PostalCode(_rng, work), false]);
        }

        // Where the record came from.
        if (sourceSystem is not null)
        {
            SourceKey(p, sourceSystem);
        }
        else
        {
            if (!p.Prospect || p.Contracts.Count > 0 || p.InsuredSomewhere)
            {
                SourceKey(p, "PAS");
            }
            if (p.Prospect)
            {
                SourceKey(p, "WEB");
            }
            if (p.Loans.Count > 0)
            {
                SourceKey(p, "LOAN");
            }
        }

        // Contracts and loans held as policyholder / borrower.
        foreach (var c in p.Contracts)
        {
            var s = c.State;
            _data[SyntheticTables.Contract].Add(
            [
                c.Id, c.Number, c.Spec.Id, p.Id, c.SumAssured, c.Premium, "KRW", c.Spec.Mode, c.Method, c.IssueDate, c.MaturityDate, PaidTo(p, c),
                c.Seller >= 0 ? _force.Agents[c.Seller].Id : null, c.Servicing >= 0 ? _force.Agents[c.Servicing].Id : null,
                c.Channel, s.Status, s.StatusDate, 1,
            ]);
        }
        foreach (var loan in p.Loans)
        {
            _data[SyntheticTables.Loan].Add(LoanRow(loan, p.Id));
        }

        var alive = truth.IsAliveOn(_truthAt);
        // A record created after the truth date was no customer then: it has no probabilities.
        _data.CustomerTruth.Add(p.Acquisition > _truthAt
            ? string.Create(Inv, $"{p.Id},{p.Kind},{duplicateOf},{rule},{(alive ? 1 : 0)},,,,,,,,{_truthAt:yyyy-MM-dd}")
            : string.Create(Inv,
                $"{p.Id},{p.Kind},{duplicateOf},{rule},{(alive ? 1 : 0)},{truth.PLapse:F6},{truth.PPurchase:F6},{truth.PLoan:F6},{truth.Burden:F4},{truth.ActiveContracts},{truth.OrphanedContracts},{(truth.UnresolvedComplaint ? 1 : 0)},{_truthAt:yyyy-MM-dd}"));
    }

    private void SourceKey(SimPerson p, string system)
    {
        var prefix = system switch { "PAS" => "P", "LOAN" => "LN", "CC" => "CC", _ => "W" };
        _data[SyntheticTables.SourceKey].Add([++_ids.SourceKey, p.Id, system, Key(prefix, p.Id)]);
    }

    private void EmitHouseholds(List<SimPerson> family)
    {
        var head = family[0];
        if (head.Kind == CustomerKind.Corporate || family.Count == 1 && head.Marital == MaritalStatus.NeverMarried)
        {
            return;
        }
        var household = Household(head);
        Member(household, head, HouseholdRole.Head);
        if (head.Spouse is { } spouse)
        {
            Member(household, spouse, HouseholdRole.Spouse);
            Related(head, spouse, RelationshipKind.Spouse);
            Related(spouse, head, RelationshipKind.Spouse);
        }
        foreach (var child in head.ChildCustomers)
        {
            Member(household, child, HouseholdRole.Child);
            foreach (var parent in (SimPerson?[])[head, head.Spouse])
            {
                if (parent is not null)
                {
                    Related(parent, child, RelationshipKind.Child);
                    Related(child, parent, RelationshipKind.Parent);
                }
            }
            if (child.Marital == MaritalStatus.Married)
            {
                // The adult child's own household: the same person is in two households.
                var own = Household(child);
                Member(own, child, HouseholdRole.Head);
                if (child.Spouse is { } inLaw)
                {
                    Member(own, inLaw, HouseholdRole.Spouse);
                    Related(child, inLaw, RelationshipKind.Spouse);
                    Related(inLaw, child, RelationshipKind.Spouse);
                }
            }
        }
    }

    private long Household(SimPerson head)
    {
        var id = ++_ids.Household;
        _data[SyntheticTables.Household].Add([id, head.Name + " 가족", At(head.Acquisition)]);
        return id;
    }

    private void Member(long household, SimPerson p, HouseholdRole role) =>
        _data[SyntheticTables.HouseholdMember].Add([++_ids.HouseholdMember, household, p.Id, role]);

    private void Related(SimPerson p, SimPerson related, RelationshipKind kind) =>
        _data[SyntheticTables.Relationship].Add([++_ids.Relationship, p.Id, related.Id, kind]);

    /// <summary>
    /// The same person again, as another source system recorded them: with the same RRN, or without an
    /// RRN but with the same name, birth date and mobile number.
    /// </summary>
    private void EmitDuplicate(SimPerson p)
    {
        var rule = p.Rrn is not null && _rng.Chance(0.55) ? MergeRule.SameRrn : MergeRule.SameNameBirthDatePhone;
        var system = _rng.NextDouble() switch { < 0.4 => "LOAN", < 0.7 => "CC", _ => "WEB" };
        var region = KoreanRegions.All[p.Sido];
        var from = Max(_historyStart, p.BirthDate!.Value.AddYears(20));
        var d = new SimPerson
        {
            Id = ++_ids.Customer,
            Kind = CustomerKind.Individual,
            Name = p.Name,
            Script = p.Script,
            BirthDate = p.BirthDate,
            Gender = p.Gender,
            Rrn = rule == MergeRule.SameRrn ? p.Rrn : null,
            Marital = MaritalStatus.Unknown,
            Band = IncomeBand.Unknown,
            Occupation = _rng.Chance(0.5) ? p.Occupation : null,
            Income = p.Income,
            HouseholdIncome = p.HouseholdIncome,
            Sido = p.Sido,
            Sigungu = _rng.Chance(0.5) ? p.Sigungu : _rng.Pick(region.Sigungu),
            Branch = p.Branch,
            Mobile = rule == MergeRule.SameNameBirthDatePhone || _rng.Chance(0.5) || p.Mobile is null ? p.Mobile ?? "010" + _rng.Next(20000000, 99999999).ToString(Inv) : "010" + _rng.Next(20000000, 99999999).ToString(Inv),
            Email = _rng.Chance(0.3) ? p.Email : null,
            PreferredTime = ContactTime.Any,
            IsAdult = true,
            Acquisition = from.AddDays(_rng.Next(Math.Max(1, _asOf.DayNumber - from.DayNumber))),
        };
        d.LastActivity = d.Acquisition;
        switch (system)
        {
            case "LOAN":
                NewLoan(d, d.Acquisition);
                for (var month = new DateOnly(d.Acquisition.Year, d.Acquisition.Month, 1).AddMonths(1); month <= _asOf; month = month.AddMonths(1))
                {
                    StepLoan(d.Loans[0], month, Min(month.AddMonths(1).AddDays(-1), _asOf), 0.1);
                }
                break;
            case "CC":
                Interact(d, d.Acquisition, InteractionChannel.PhoneIn, InteractionDirection.Inbound, InteractionPurpose.Inquiry, InteractionOutcome.Completed, -1, "cc-desk", "CC");
                if (_rng.Chance(0.5))
                {
                    Interact(d, DayIn(d.Acquisition, _asOf), InteractionChannel.PhoneIn, InteractionDirection.Inbound, InteractionPurpose.Service, InteractionOutcome.Completed, -1, "cc-desk", "CC");
                }
                break;
            default:
                Interact(d, d.Acquisition, InteractionChannel.Web, InteractionDirection.Inbound, InteractionPurpose.Inquiry, InteractionOutcome.FollowUp, -1, null, "WEB");
                ConsentRow(d, d.Email is null ? ContactChannel.Sms : ContactChannel.Email, true, false, CaptureSource.Web, d.Acquisition, d.Acquisition.AddYears(ContactPolicy.ConsentYears));
                break;
        }
        _data.Duplicates++;
        EmitCustomer(d, p.Id, rule, system, truth: p);
    }
}
