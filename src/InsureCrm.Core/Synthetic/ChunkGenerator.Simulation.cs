using InsureCrm.Core.Agents;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Synthetic;

internal sealed partial class ChunkGenerator
{
    private static readonly ProductSpec[] PersonProducts =
        [.. ProductCatalog.All.Where(p => !p.IsRider && p.Line != ProductLine.Loan && p.Market == Market.Person)];

    private static readonly ProductSpec[] CompanyProducts =
        [.. ProductCatalog.All.Where(p => !p.IsRider && p.Line != ProductLine.Loan && p.Market == Market.Corporate)];

    private readonly double[] _weights = new double[PersonProducts.Length];

    /// <summary>Month by month from the first contact to the as-of date.</summary>
    private void Simulate(SimPerson p)
    {
        if (p.Prospect)
        {
            Interact(p, p.Acquisition, InteractionChannel.Web, InteractionDirection.Inbound, InteractionPurpose.Inquiry, InteractionOutcome.FollowUp, -1, null, "WEB");
        }
        else
        {
            Purchase(p, p.Acquisition);
            if (_rng.Chance(0.3))
            {
                Purchase(p, p.Acquisition);
            }
        }
        var newContracts = new List<SimContract>();
        for (var month = new DateOnly(p.Acquisition.Year, p.Acquisition.Month, 1); month <= _asOf; month = month.AddMonths(1))
        {
            var monthEnd = Min(month.AddMonths(1).AddDays(-1), _asOf);
            if (!p.TruthTaken && monthEnd > _truthAt)
            {
                // The state after the last month ending on or before the truth date: nothing dated after it has
                // happened yet, except the moves StatusAtTruth undoes. No random draw, so the data do not change.
                Truth(p, _truthAt);
            }
            if (p.DeathDate <= monthEnd)
            {
                Die(p, Max(p.DeathDate, p.Acquisition));
                return;
            }
            var from = Max(month, p.Acquisition);
            var age = p.AgeOn(month);
            var burden = Burden(p);
            var since3 = month.AddMonths(-3);
            var since6 = month.AddMonths(-6);
            var unresolved = UnresolvedComplaint(p, month, since6);
            var orphanedAny = false;
            newContracts.Clear();
            foreach (var c in p.Contracts)
            {
                if (c.IssueDate >= month || !c.IsOpen || c.Status == ContractStatus.Applied)
                {
                    continue;
                }
                UpdateServicing(p, c, monthEnd);
                orphanedAny |= c.Servicing < 0 && ContractLifecycle.IsActive(c.Status);
                StepContract(p, c, month, monthEnd, burden, unresolved, newContracts);
            }
            foreach (var c in newContracts)
            {
                p.Contracts.Add(c);
            }
            foreach (var loan in p.Loans)
            {
                StepLoan(loan, month, monthEnd, burden);
            }
            var holdings = ActiveHoldings(p);
            if (p.Kind == CustomerKind.Corporate)
            {
                if (_rng.Chance(HiddenModel.PurchaseRate(p.Engagement, false, p.LastContact > since3, holdings, 40)))
                {
                    Purchase(p, DayIn(from, monthEnd));
                }
                continue;
            }

            // Contacts, complaints and greetings.
            var agent = ActiveServicingAgent(p, from);
            if (_rng.Chance(HiddenModel.AgentContactRate(p.Engagement, agent >= 0)))
            {
                var day = DayIn(from, monthEnd);
                if (agent >= 0)
                {
                    var purpose = _rng.NextDouble() switch
                    {
                        < 0.3 => InteractionPurpose.Service,
                        < 0.5 => InteractionPurpose.CoverageCheck,
                        < 0.7 => InteractionPurpose.Greeting,
                        _ => InteractionPurpose.Sales,
                    };
                    // An engaged customer hears a sales talk out more often (one draw, as before: the rest of the stream is unchanged).
                    var outcome = purpose == InteractionPurpose.Sales
                        ? _rng.Chance(HiddenModel.InterestedShare(p.Engagement)) ? InteractionOutcome.Interested : InteractionOutcome.NotInterested
                        : InteractionOutcome.Completed;
                    Interact(p, day, _rng.Chance(0.45) ? InteractionChannel.Visit : InteractionChannel.PhoneOut, InteractionDirection.Outbound, purpose, outcome, agent, null, null);
                }
                else
                {
                    Interact(p, day, InteractionChannel.PhoneOut, InteractionDirection.Outbound,
                        _rng.Chance(0.5) ? InteractionPurpose.CoverageCheck : InteractionPurpose.Campaign,
                        _rng.Chance(0.6) ? InteractionOutcome.Reached : InteractionOutcome.NoAnswer, -1, "tm-center", null);
                }
                p.LastContact = day;
            }
            if (_rng.Chance(0.008))
            {
                Interact(p, DayIn(from, monthEnd), InteractionChannel.PhoneIn, InteractionDirection.Inbound,
                    _rng.Chance(0.6) ? InteractionPurpose.Inquiry : InteractionPurpose.Service, InteractionOutcome.Completed, -1, "cc-desk", "CC");
            }
            var trouble = p.LastTrouble > since6;
            if (_rng.Chance(HiddenModel.ComplaintRate(orphanedAny, trouble)))
            {
                Complaint(p, DayIn(from, monthEnd));
            }
            if (p.SmsConsent && p.BirthDate is { } b && b.Month == month.Month && _rng.Chance(0.3))
            {
                Interact(p, DayIn(from, monthEnd), InteractionChannel.Sms, InteractionDirection.Outbound, InteractionPurpose.Greeting, InteractionOutcome.Completed, -1, "batch", null);
            }

            // Buying.
            var lifeEvent = LifeEvent(p, monthEnd, monthEnd.AddMonths(-12));
            var recentContact = p.LastContact > since3;
            var purchaseRate = HiddenModel.PurchaseRate(p.Engagement, lifeEvent, recentContact, holdings, age);
            if (_campaigns.Count > 0)
            {
                PlantMembers(p, month, monthEnd, purchaseRate);
            }
            if (_rng.Chance(purchaseRate))
            {
                Purchase(p, DayIn(from, monthEnd));
            }
            if (p.Treated is not null)
            {
                TreatedPurchases(p, month, monthEnd, purchaseRate);
            }
            var hasLoan = p.Loans.Exists(l => l.IsOpen);
            if (_rng.Chance(HiddenModel.LoanRate(age, holdings > 0, p.Income, lifeEvent, recentContact, hasLoan)))
            {
                NewLoan(p, DayIn(from, monthEnd));
            }
        }
        if (!p.TruthTaken)
        {
            Truth(p, _asOf);
        }
    }

    /// <summary>
    /// The hidden probabilities of the 3 months after <paramref name="date"/> with the hazards held at their
    /// values then (contracts by their status on that date). Reads state only: it must never draw.
    /// </summary>
    private static void Truth(SimPerson p, DateOnly date)
    {
        p.TruthTaken = true;
        if (!p.IsAliveOn(date))
        {
            return;
        }
        var burden = Burden(p, truth: true);
        p.Burden = burden;
        var unresolved = UnresolvedComplaint(p, date, date.AddMonths(-6));
        p.UnresolvedComplaint = unresolved;
        var lapse = 0.0;
        foreach (var c in p.Contracts)
        {
            var status = c.StatusAtTruth ?? c.Status;
            if (ContractLifecycle.IsActive(status))
            {
                p.ActiveContracts++;
                if (c.Servicing < 0)
                {
                    p.OrphanedContracts++;
                }
            }
            if (SimContract.IsPremiumPaying(status, c.Spec))
            {
                lapse += LapseRate(p, c, burden, unresolved, date);
            }
        }
        p.PLapse = SyntheticRandom.WithinMonths(lapse, 3);
        var lifeEvent = LifeEvent(p, date, date.AddMonths(-12));
        var recent = p.LastContact > date.AddMonths(-3);
        var age = p.AgeOn(date);
        p.PPurchase = SyntheticRandom.WithinMonths(HiddenModel.PurchaseRate(p.Engagement, lifeEvent && p.Kind == CustomerKind.Individual, recent, p.ActiveContracts, p.Kind == CustomerKind.Corporate ? 40 : age), 3);
        p.PLoan = p.Kind == CustomerKind.Corporate
            ? 0
            : SyntheticRandom.WithinMonths(HiddenModel.LoanRate(age, p.ActiveContracts > 0, p.Income, lifeEvent, recent, p.Loans.Exists(l => l.IsOpen)), 3);
    }

    private static double LapseRate(SimPerson p, SimContract c, double burden, bool unresolved, DateOnly date) =>
        HiddenModel.LapseRate(burden, c.Servicing < 0, c.ReassignedToCs && c.Servicing >= 0, unresolved,
            early: date < c.EarlyUntil, manualPayment: c.Method is PaymentMethod.Giro or PaymentMethod.Cash, p.Engagement);

    private static double Burden(SimPerson p, bool truth = false)
    {
        decimal annual = 0;
        foreach (var c in p.Contracts)
        {
            if (truth ? SimContract.IsPremiumPaying(c.StatusAtTruth ?? c.Status, c.Spec) : c.PremiumPaying)
            {
                annual += (c.Premium + c.RiderPremium) * c.Spec.AnnualFactor;
            }
        }
        return (double)annual / p.HouseholdIncome;
    }

    private static int ActiveHoldings(SimPerson p)
    {
        var n = 0;
        foreach (var c in p.Contracts)
        {
            if (ContractLifecycle.IsActive(c.Status))
            {
                n++;
            }
        }
        return n;
    }

    private static bool LifeEvent(SimPerson p, DateOnly date, DateOnly since)
    {
        if (p.MarriageDate is { } m && m > since && m <= date)
        {
            return true;
        }
        foreach (var b in p.ChildBirths)
        {
            if (b > since && b <= date)
            {
                return true;
            }
        }
        return false;
    }

    private static bool UnresolvedComplaint(SimPerson p, DateOnly date, DateOnly since) =>
        p.ComplaintDate is { } d && d > since && d <= date && (p.ComplaintResolved is not { } r || r > date);

    private int ActiveServicingAgent(SimPerson p, DateOnly date)
    {
        for (var i = p.Contracts.Count - 1; i >= 0; i--)
        {
            var c = p.Contracts[i];
            if (c.Servicing >= 0 && ContractLifecycle.IsActive(c.Status) && _force.Agents[c.Servicing].IsActiveOn(date))
            {
                return c.Servicing;
            }
        }
        return -1;
    }

    /// <summary>The customer's own selling agent (not a CS consultant) when still active.</summary>
    private int OwnAgent(SimPerson p, DateOnly date)
    {
        for (var i = p.Contracts.Count - 1; i >= 0; i--)
        {
            var s = p.Contracts[i].Servicing;
            if (s >= 0 && _force.Agents[s].Kind != AgentKind.Cs && _force.Agents[s].IsActiveOn(date))
            {
                return s;
            }
        }
        return -1;
    }

    /// <summary>When the servicing agent has left: orphaned, and for some a CS consultant takes over 3 weeks to 3 months later.</summary>
    private void UpdateServicing(SimPerson p, SimContract c, DateOnly monthEnd)
    {
        while (c.Servicing >= 0 && _force.Agents[c.Servicing].LeaveDate <= monthEnd)
        {
            var left = _force.Agents[c.Servicing];
            p.OrphanFates ??= [];
            if (!p.OrphanFates.TryGetValue(left.Id, out var fate))
            {
                fate = (-1, DateOnly.MaxValue);
                if (_rng.Chance(0.45))
                {
                    var date = left.LeaveDate.AddDays(_rng.Next(20, 90));
                    fate = (_force.CsConsultant(_rng, p.Branch, date), date);
                }
                p.OrphanFates[left.Id] = fate;
            }
            c.Servicing = -1;
            c.ReassignedToCs = false;
            c.PendingCs = fate.Cs;
            c.PendingDate = fate.Date;
        }
        if (c.Servicing < 0 && c.PendingCs >= 0 && c.PendingDate <= monthEnd && _force.Agents[c.PendingCs].LeaveDate > c.PendingDate)
        {
            c.Servicing = c.PendingCs;
            c.ReassignedToCs = true;
            c.PendingCs = -1;
            UpdateServicing(p, c, monthEnd);
        }
    }

    private void StepContract(SimPerson p, SimContract c, DateOnly month, DateOnly monthEnd, double burden, bool unresolved, List<SimContract> renewals)
    {
        var from = Max(month, c.State.StatusDate);
        if (c.MaturityDate is { } maturity && maturity <= monthEnd)
        {
            if (maturity >= c.State.StatusDate && ContractLifecycle.CanMove(c.Status, ContractStatus.Matured))
            {
                Move(c, p, ContractStatus.Matured, maturity, "maturity");
                if (c.Spec.Family == ProductFamily.Auto && maturity < _asOf && p.IsAliveOn(maturity) && _rng.Chance(0.88))
                {
                    renewals.Add(NewContract(p, c.Spec, maturity, c.Insured, renewalOf: c));
                }
            }
            return;
        }
        if (c.Insured != p && !c.Insured.IsAliveOn(monthEnd))
        {
            var death = Max(c.Insured.DeathDate, from);
            if (c.Spec.HasDeathCover && ContractLifecycle.CanMove(c.Status, ContractStatus.TerminatedByClaim))
            {
                ClaimAndTerminate(p, c, death, "death", c.SumAssured);
            }
            else if (ContractLifecycle.CanMove(c.Status, ContractStatus.Surrendered))
            {
                Move(c, p, ContractStatus.Surrendered, death, "insured deceased");
            }
            return;
        }
        var months = (month.Year - c.IssueDate.Year) * 12 + month.Month - c.IssueDate.Month;
        switch (c.Status)
        {
            case ContractStatus.InForce or ContractStatus.Reinstated:
                if (c.PremiumPaying && _rng.Chance(LapseRate(p, c, burden, unresolved, month)))
                {
                    var day = DayIn(from, monthEnd);
                    Move(c, p, ContractStatus.Lapsed, day, "premium arrears");
                    c.LapsedOn = day;
                    p.LastTrouble = day;
                    var collector = c.Servicing >= 0 && _force.Agents[c.Servicing].IsActiveOn(day) ? c.Servicing : -1;
                    Interact(p, Min(day.AddDays(_rng.Next(1, 20)), _asOf), InteractionChannel.PhoneOut, InteractionDirection.Outbound, InteractionPurpose.Collection,
                        _rng.Chance(0.6) ? InteractionOutcome.Reached : InteractionOutcome.NoAnswer, collector, collector >= 0 ? null : "collection", null);
                    return;
                }
                if (months >= 24 && c.Spec.Mode != PaymentMode.Annual && _rng.Chance(HiddenModel.SurrenderRate(burden, c.Servicing < 0, c.Spec.IsSavingsLike)))
                {
                    Move(c, p, ContractStatus.Surrendered, DayIn(from, monthEnd), "surrender requested");
                    return;
                }
                if (months >= 36 && c.Spec.CanBePaidUp && _rng.Chance(HiddenModel.PaidUpRate(burden)))
                {
                    Move(c, p, ContractStatus.PaidUp, DayIn(from, monthEnd), "paid-up conversion");
                    return;
                }
                Claims(p, c, from, monthEnd);
                break;
            case ContractStatus.PaidUp:
                if (_rng.Chance(0.5 * HiddenModel.SurrenderRate(burden, c.Servicing < 0, c.Spec.IsSavingsLike)))
                {
                    Move(c, p, ContractStatus.Surrendered, DayIn(from, monthEnd), "surrender requested");
                    return;
                }
                Claims(p, c, from, monthEnd);
                break;
            case ContractStatus.Lapsed:
                var lapsedMonths = (month.Year - c.LapsedOn!.Value.Year) * 12 + month.Month - c.LapsedOn.Value.Month;
                if (lapsedMonths >= 36)
                {
                    Move(c, p, ContractStatus.Surrendered, DayIn(from, monthEnd), "reinstatement period expired");
                }
                else if (lapsedMonths <= 24 && _rng.Chance(HiddenModel.ReinstatementRate(p.Engagement)))
                {
                    Move(c, p, ContractStatus.Reinstated, DayIn(from, monthEnd), "reinstated");
                }
                break;
            default:
                break;
        }
    }

    private void Claims(SimPerson p, SimContract c, DateOnly from, DateOnly monthEnd)
    {
        var age = c.Insured.AgeOn(from);
        switch (c.Spec.Family)
        {
            case ProductFamily.Cancer or ProductFamily.CriticalIllness:
                if (_rng.Chance(HiddenModel.DiagnosisRate(age, c.Spec.Family == ProductFamily.CriticalIllness)))
                {
                    ClaimAndTerminate(p, c, DayIn(from, monthEnd), "diagnosis", c.SumAssured);
                }
                break;
            case ProductFamily.Health:
                if (_rng.Chance(0.012 * (1 + Math.Max(0, age - 40) * 0.02)))
                {
                    Claim(p, c, DayIn(from, monthEnd), _rng.Chance(0.7) ? "hospital" : "surgery", _rng.Amount(30_000, 1_500_000, 1_000));
                }
                break;
            case ProductFamily.Child:
                if (_rng.Chance(0.01))
                {
                    Claim(p, c, DayIn(from, monthEnd), "hospital", _rng.Amount(50_000, 1_000_000, 1_000));
                }
                break;
            case ProductFamily.Accident:
                if (_rng.Chance(0.003))
                {
                    Claim(p, c, DayIn(from, monthEnd), "accident", _rng.Amount(200_000, 5_000_000, 10_000));
                }
                break;
            case ProductFamily.Auto:
                if (_rng.Chance(0.01))
                {
                    Claim(p, c, DayIn(from, monthEnd), "auto", _rng.Amount(300_000, 12_000_000, 10_000));
                }
                break;
            case ProductFamily.Fire:
                if (_rng.Chance(0.0008))
                {
                    Claim(p, c, DayIn(from, monthEnd), "property", _rng.Amount(1_000_000, 30_000_000, 10_000));
                }
                break;
            default:
                break;
        }
    }

    private void ClaimAndTerminate(SimPerson p, SimContract c, DateOnly day, string cause, decimal amount)
    {
        Claim(p, c, day, cause, amount);
        Move(c, p, ContractStatus.TerminatedByClaim, day, cause + " claim");
    }

    private void Claim(SimPerson p, SimContract c, DateOnly day, string cause, decimal amount)
    {
        var id = ++_ids.Claim;
        var paid = day.AddDays(_rng.Next(3, 21));
        _data[SyntheticTables.Claim].Add([id, Key("CL", id), c.Id, p.Id, cause, day, paid <= _asOf ? paid : null, amount, "KRW"]);
        p.LastTrouble = day;
        if (_rng.Chance(0.6))
        {
            Interact(p, day, InteractionChannel.PhoneIn, InteractionDirection.Inbound, InteractionPurpose.Claim, InteractionOutcome.Completed, -1, "claims-desk", "CC");
        }
    }

    private void Die(SimPerson p, DateOnly day)
    {
        foreach (var c in p.Contracts)
        {
            var d = Max(day, c.State.StatusDate);
            if (c.Status == ContractStatus.Applied)
            {
                Move(c, p, ContractStatus.Cancelled, d, "policyholder deceased");
            }
            else if (c.Insured == p && c.Spec.HasDeathCover && ContractLifecycle.CanMove(c.Status, ContractStatus.TerminatedByClaim))
            {
                ClaimAndTerminate(p, c, d, "death", c.SumAssured);
            }
            else if (ContractLifecycle.CanMove(c.Status, ContractStatus.Surrendered))
            {
                Move(c, p, ContractStatus.Surrendered, d, "policyholder deceased");
            }
        }
        foreach (var loan in p.Loans)
        {
            if (loan.IsOpen)
            {
                loan.Status = LoanStatus.EarlyRepaid;
                loan.StatusDate = Max(day, loan.StatusDate);
            }
        }
        p.Touch(day);
    }

    private void Complaint(SimPerson p, DateOnly day)
    {
        Interact(p, day, _rng.Chance(0.7) ? InteractionChannel.PhoneIn : InteractionChannel.Web, InteractionDirection.Inbound,
            InteractionPurpose.Complaint, InteractionOutcome.FollowUp, -1, "voc-desk", "CC");
        p.ComplaintDate = day;
        p.ComplaintResolved = null;
        if (_rng.Chance(HiddenModel.ComplaintResolvedShare))
        {
            var resolved = day.AddDays(_rng.Next(3, 41));
            p.ComplaintResolved = resolved;
            if (resolved <= _asOf)
            {
                Interact(p, resolved, InteractionChannel.CallCenter, InteractionDirection.Outbound, InteractionPurpose.Complaint, InteractionOutcome.Completed, -1, "voc-desk", "CC");
            }
        }
    }

    // ---------------------------------------------------------------- selling

    /// <summary>
    /// A new contract: the product drawn by <see cref="Weights"/>, among <paramref name="only"/> when given (a planted
    /// campaign's objective families), issued by <paramref name="issueBy"/> at the latest when given.
    /// </summary>
    private void Purchase(SimPerson p, DateOnly day, IReadOnlyList<ProductFamily>? only = null, DateOnly? issueBy = null)
    {
        var catalogue = p.Kind == CustomerKind.Corporate ? CompanyProducts : PersonProducts;
        var total = Weights(p, day, catalogue, only);
        if (total <= 0)
        {
            return;
        }
        var u = _rng.NextDouble() * total;
        var chosen = catalogue[^1];
        for (var i = 0; i < catalogue.Length; i++)
        {
            u -= _weights[i];
            if (u < 0)
            {
                chosen = catalogue[i];
                break;
            }
        }
        var insured = p;
        if (chosen.Family == ProductFamily.Child)
        {
            insured = ChildToInsure(p, day, chosen)!;
        }
        else if (p.Spouse is { } spouse && spouse.IsAliveOn(day) && _rng.Chance(0.12) && spouse.AgeOn(day) >= chosen.MinAge && spouse.AgeOn(day) <= chosen.MaxAge)
        {
            insured = spouse;
        }
        p.Contracts.Add(NewContract(p, chosen, day, insured, renewalOf: null, issueBy));
    }

    /// <summary>
    /// The weight of each product of <paramref name="catalogue"/> in a purchase on <paramref name="day"/> (into
    /// <see cref="_weights"/>), zero outside <paramref name="only"/> when given; returns their sum. Draws nothing.
    /// </summary>
    private double Weights(SimPerson p, DateOnly day, ProductSpec[] catalogue, IReadOnlyList<ProductFamily>? only)
    {
        var age = p.AgeOn(day);
        var lifeEvent = LifeEvent(p, day, day.AddMonths(-12));
        var total = 0.0;
        for (var i = 0; i < catalogue.Length; i++)
        {
            var spec = catalogue[i];
            var w = spec.Weight;
            if (spec.Family == ProductFamily.Child)
            {
                w = ChildToInsure(p, day, spec) is null ? 0 : w * (lifeEvent ? 6 : 1.5);
            }
            else if (p.Kind == CustomerKind.Individual && (age < spec.MinAge || age > spec.MaxAge))
            {
                w = 0;
            }
            if (spec.Family == ProductFamily.Auto && (!p.CarOwner && p.Kind == CustomerKind.Individual || Holds(p, spec.Family)))
            {
                w = 0;
            }
            else if (Holds(p, spec.Family))
            {
                w *= spec.Family == ProductFamily.Health ? 0.05 : 0.15;
            }
            if (spec.Family is ProductFamily.Savings or ProductFamily.Annuity && p.Income >= 60e6)
            {
                w *= 1.6;
            }
            if (p.Marital == MaritalStatus.Married && spec.Family is ProductFamily.WholeLife or ProductFamily.Fire)
            {
                w *= 1.4;
            }
            if (only is not null && !only.Contains(spec.Family))
            {
                w = 0;
            }
            _weights[i] = w;
            total += w;
        }
        return total;
    }

    private static bool Holds(SimPerson p, ProductFamily family)
    {
        foreach (var c in p.Contracts)
        {
            if (c.Spec.Family == family && (ContractLifecycle.IsActive(c.Status) || c.Status == ContractStatus.Applied))
            {
                return true;
            }
        }
        return false;
    }

    private static SimPerson? ChildToInsure(SimPerson p, DateOnly day, ProductSpec spec)
    {
        foreach (var child in p.ChildCustomers)
        {
            if (child.BirthDate is not { } b || b > day || !child.IsAliveOn(day))
            {
                continue;
            }
            var age = child.AgeOn(day);
            if (age < spec.MinAge || age > spec.MaxAge)
            {
                continue;
            }
            var covered = false;
            foreach (var c in p.Contracts)
            {
                if (c.Insured == child && c.Spec.Family == ProductFamily.Child && (ContractLifecycle.IsActive(c.Status) || c.Status == ContractStatus.Applied))
                {
                    covered = true;
                    break;
                }
            }
            if (!covered)
            {
                return child;
            }
        }
        return null;
    }

    private SimContract NewContract(SimPerson p, ProductSpec spec, DateOnly applied, SimPerson insured, SimContract? renewalOf, DateOnly? issueBy = null)
    {
        var id = ++_ids.Contract;
        var issue = renewalOf is null ? applied.AddDays(_rng.Next(3, 15)) : applied;
        if (issueBy is { } by && issue > by)
        {
            issue = Max(applied, by);
        }
        var c = new SimContract
        {
            Id = id,
            Number = string.Create(Inv, $"{(spec.Line == ProductLine.Life ? 'L' : 'N')}{issue.Year}{id:D10}"),
            Spec = spec,
            Insured = insured,
            IssueDate = issue,
            EarlyUntil = issue.AddMonths(24),
            MaturityDate = spec.TermYears is { } t ? issue.AddYears(t) : null,
            Method = renewalOf?.Method ?? _rng.NextDouble() switch
            {
                < 0.70 => PaymentMethod.AutoDebit,
                < 0.85 => PaymentMethod.Card,
                < 0.93 => PaymentMethod.Giro,
                < 0.97 => PaymentMethod.Payroll,
                _ => PaymentMethod.Cash,
            },
        };
        c.State.Id = id;
        c.State.CustomerId = p.Id;
        insured.InsuredSomewhere = true;
        var age = insured.AgeOn(issue);
        var ageShift = Math.Clamp((age - 25) / 50.0, 0, 1);
        var u = Math.Clamp(_rng.NextDouble() * 0.7 + ageShift * 0.3, 0, 1);
        var unit = spec.Mode == PaymentMode.LumpSum ? 1_000_000m : spec.PremiumMax >= 1_000_000 ? 10_000m : 100m;
        c.Premium = Math.Round((spec.PremiumMin + (spec.PremiumMax - spec.PremiumMin) * (decimal)u) / unit) * unit;
        c.SumAssured = spec.IsSavingsLike && spec.Mode != PaymentMode.LumpSum && spec.TermYears is { } years
            ? Math.Clamp(Math.Round(c.Premium * 12 * years / 1_000_000m) * 1_000_000m, spec.SumMin, spec.SumMax)
            : spec.Mode == PaymentMode.LumpSum ? c.Premium : _rng.Amount(spec.SumMin, spec.SumMax, spec.SumMax >= 10_000_000 ? 1_000_000 : 10_000);

        // Channel and agents.
        var own = renewalOf is not null ? renewalOf.Seller : OwnAgent(p, applied);
        if (renewalOf is not null)
        {
            c.Channel = renewalOf.Channel;
            c.Seller = own >= 0 && _force.Agents[own].IsActiveOn(applied) ? own : -1;
            if (c.Seller < 0 && c.Channel is not (SalesChannel.Online or SalesChannel.Bancassurance))
            {
                c.Channel = SalesChannel.Online;
            }
        }
        else if (spec.Family == ProductFamily.Auto && _rng.Chance(0.4))
        {
            c.Channel = SalesChannel.Online;
        }
        else if (own >= 0 && _rng.Chance(0.7))
        {
            c.Seller = own;
        }
        else if (_rng.Chance(0.12))
        {
            c.Channel = _rng.Chance(0.6) ? SalesChannel.Bancassurance : SalesChannel.Online;
        }
        else
        {
            c.Seller = _force.Seller(_rng, p.Branch, applied);
            if (c.Seller < 0)
            {
                c.Channel = SalesChannel.Online;
            }
        }
        if (c.Seller >= 0)
        {
            c.Channel = _force.Agents[c.Seller].Kind switch
            {
                AgentKind.Lt => SalesChannel.Lt,
                AgentKind.Tc => SalesChannel.Tc,
                AgentKind.Am => SalesChannel.Am,
                AgentKind.Fp => SalesChannel.Fp,
                _ => SalesChannel.Fc,
            };
            c.Servicing = c.Seller;
        }
        else
        {
            c.Servicing = _force.CsConsultant(_rng, p.Branch, applied);
        }

        // Riders.
        foreach (var rider in ProductCatalog.RidersFor(spec.Family))
        {
            if (_rng.Chance(0.3))
            {
                var premium = _rng.Amount(rider.PremiumMin, rider.PremiumMax, 100);
                c.RiderPremium += premium;
                _data[SyntheticTables.Rider].Add([++_ids.Rider, id, p.Id, rider.Id, _rng.Amount(rider.SumMin, rider.SumMax, rider.SumMax >= 10_000_000 ? 1_000_000 : 10_000), premium]);
            }
        }

        // Roles.
        _data[SyntheticTables.Role].Add([++_ids.Role, id, p.Id, ContractRoleKind.Policyholder, null]);
        _data[SyntheticTables.Role].Add([++_ids.Role, id, insured.Id, ContractRoleKind.Insured, null]);
        if (spec.HasDeathCover)
        {
            var heirs = insured.Spouse is { } sp ? [sp] : insured != p ? [p] : insured.ChildCustomers.Where(k => k.IsAdult).ToList();
            for (var i = 0; i < heirs.Count; i++)
            {
                var share = Math.Round(100m / heirs.Count, 2);
                if (i == heirs.Count - 1)
                {
                    share = 100m - share * (heirs.Count - 1);
                }
                _data[SyntheticTables.Role].Add([++_ids.Role, id, heirs[i].Id, ContractRoleKind.Beneficiary, share]);
            }
        }
        else if (spec.IsSavingsLike)
        {
            _data[SyntheticTables.Role].Add([++_ids.Role, id, p.Id, ContractRoleKind.Beneficiary, 100m]);
        }

        // Application, issue, happy call, cooling-off.
        c.State.Status = ContractStatus.Applied;
        c.State.StatusDate = applied;
        _data[SyntheticTables.StatusChange].Add([++_ids.StatusChange, id, p.Id, null, ContractStatus.Applied, applied, At(applied), renewalOf is null ? "application" : "renewal"]);
        p.Touch(applied);
        if (c.Seller >= 0 && renewalOf is null)
        {
            Interact(p, applied, InteractionChannel.Visit, InteractionDirection.Outbound, InteractionPurpose.Sales, InteractionOutcome.Sold, c.Seller, null, null);
            p.LastContact = Max(p.LastContact, applied);
        }
        if (renewalOf is null && _rng.Chance(0.015))
        {
            var declined = applied.AddDays(_rng.Next(2, 12));
            if (declined <= _asOf)
            {
                Move(c, p, ContractStatus.Cancelled, declined, "underwriting declined");
            }
            return c;
        }
        if (issue > _asOf)
        {
            return c;
        }
        Move(c, p, ContractStatus.InForce, issue, "issued");
        if (renewalOf is null)
        {
            var call = issue.AddDays(_rng.Next(3, 15));
            if (call <= _asOf)
            {
                Interact(p, call, InteractionChannel.PhoneOut, InteractionDirection.Outbound, InteractionPurpose.HappyCall,
                    _rng.Chance(0.85) ? InteractionOutcome.Reached : InteractionOutcome.NoAnswer, -1, "happycall", null);
            }
            if (_rng.Chance(0.01))
            {
                var withdrawn = issue.AddDays(_rng.Next(5, 28));
                if (withdrawn <= _asOf)
                {
                    Move(c, p, ContractStatus.Cancelled, withdrawn, "cooling-off withdrawal");
                }
            }
        }
        return c;
    }

    private void Move(SimContract c, SimPerson p, ContractStatus to, DateOnly effective, string reason)
    {
        if (effective > _truthAt && c.StatusAtTruth is null)
        {
            c.StatusAtTruth = c.Status;
        }
        var (change, error) = ContractLifecycle.Move(c.State, to, effective, At(effective, 18, 23), reason);
        if (change is null)
        {
            throw new InvalidOperationException("Synthetic history broke the contract lifecycle: " + error);
        }
        _data[SyntheticTables.StatusChange].Add([++_ids.StatusChange, c.Id, p.Id, change.FromStatus, change.ToStatus, change.EffectiveDate, change.RecordedAt, change.Reason]);
        p.Touch(effective);
    }

    // ---------------------------------------------------------------- loans

    private void NewLoan(SimPerson p, DateOnly day)
    {
        var age = p.AgeOn(day);
        var hasCashValue = p.Contracts.Exists(c => ContractLifecycle.IsActive(c.Status) && (c.Spec.CanBePaidUp || c.Spec.IsSavingsLike));
        var spec = hasCashValue && _rng.Chance(0.35) ? ProductCatalog.ByCode("KSC002")
            : p.Marital == MaritalStatus.Married && age is >= 30 and <= 55 && _rng.Chance(0.25) ? ProductCatalog.ByCode("KSC001")
            : p.Income >= 60e6 && _rng.Chance(0.4) ? ProductCatalog.ByCode("KCR002")
            : ProductCatalog.ByCode("KCR001");
        var rate = spec.Code switch
        {
            "KSC001" => 0.035 + 0.02 * _rng.NextDouble(),
            "KSC002" => 0.04 + 0.03 * _rng.NextDouble(),
            "KCR002" => 0.045 + 0.03 * _rng.NextDouble(),
            _ => 0.055 + 0.065 * _rng.NextDouble(),
        };
        var loan = new SimLoan
        {
            Id = ++_ids.Loan,
            Spec = spec,
            Principal = _rng.Amount(spec.SumMin, spec.SumMax, 100_000),
            Rate = Math.Round((decimal)rate, 4),
            Start = day,
            Maturity = day.AddYears(spec.TermYears ?? 1),
            Status = LoanStatus.Active,
            StatusDate = day,
            Agent = OwnAgent(p, day),
        };
        p.Loans.Add(loan);
        p.Touch(day);
    }

    private void StepLoan(SimLoan loan, DateOnly month, DateOnly monthEnd, double burden)
    {
        if (!loan.IsOpen || loan.Start >= month)
        {
            return;
        }
        var from = Max(month, loan.StatusDate);
        if (loan.Maturity <= monthEnd)
        {
            loan.Status = LoanStatus.MaturedRepaid;
            loan.StatusDate = Max(loan.Maturity, loan.StatusDate);
        }
        else if (loan.Status == LoanStatus.Active && _rng.Chance(HiddenModel.DelinquencyRate(burden)))
        {
            loan.Status = LoanStatus.Delinquent;
            loan.StatusDate = DayIn(from, monthEnd);
        }
        else if (_rng.Chance(loan.Status == LoanStatus.Delinquent ? 0.03 : loan.Spec.Family == ProductFamily.CreditLoan ? 0.012 : 0.006))
        {
            loan.Status = LoanStatus.EarlyRepaid;
            loan.StatusDate = DayIn(from, monthEnd);
        }
    }

    private object?[] LoanRow(SimLoan loan, long customerId)
    {
        decimal balance = 0;
        if (loan.IsOpen)
        {
            balance = loan.Principal;
            if (loan.Spec.Code == "KSC001")
            {
                var elapsed = (_asOf.DayNumber - loan.Start.DayNumber) / (double)(loan.Maturity.DayNumber - loan.Start.DayNumber);
                balance = Math.Round(loan.Principal * (decimal)(1 - Math.Clamp(elapsed, 0, 1)) / 10_000m) * 10_000m;
            }
        }
        return [loan.Id, Key("LN", loan.Id), customerId, loan.Spec.Id, loan.Principal, loan.Rate, balance, "KRW", loan.Start, loan.Maturity,
            loan.Status, loan.StatusDate, loan.Agent >= 0 ? _force.Agents[loan.Agent].Id : null, 1];
    }

    // ---------------------------------------------------------------- contact history

    private void Interact(SimPerson p, DateOnly day, InteractionChannel channel, InteractionDirection direction, InteractionPurpose purpose,
        InteractionOutcome outcome, int agent, string? staff, string? sourcePrefix)
    {
        var id = ++_ids.Interaction;
        _data[SyntheticTables.Interaction].Add([id, p.Id, At(day), channel, direction, purpose, outcome,
            agent >= 0 ? _force.Agents[agent].Id : null, staff, null, sourcePrefix is null ? null : Key(sourcePrefix + "-", id)]);
        p.Touch(day);
    }

    /// <summary>Salt of the paid-to draw: hashed from the seed and the contract id, so it takes nothing from the chunk's stream.</summary>
    private const long PaidToSalt = 0x5A1D70;

    /// <summary>
    /// The paid-to date the policy admin system would export on the as-of day (<see cref="Contract.PaidToDate"/>). A premium-
    /// paying contract in force is paid up to the current period, except a minority behind by 1–3 periods, the more likely
    /// the higher its lapse hazard (the contracts about to lapse for arrears are those behind; quarterly and half-yearly
    /// ones lapse after one missed period, so they are only ever one behind). A lump-sum or paid-up contract owes nothing:
    /// paid to its maturity (null without one). A lapsed contract stopped paying about two months before it lapsed; any other
    /// ended contract was paid to the end of the period in which it ended. Draws nothing from the chunk's stream.
    /// </summary>
    private DateOnly? PaidTo(SimPerson p, SimContract c)
    {
        var status = c.Status;
        if (PremiumSchedule.MonthsPerPeriod(c.Spec.Mode) is not { } months || status is ContractStatus.PaidUp or ContractStatus.Matured)
        {
            return c.MaturityDate;
        }
        DateOnly Capped(int n)
        {
            var d = PremiumSchedule.Due(c.IssueDate, months, Math.Max(1, n));
            return c.MaturityDate is { } m && d > m ? m : d;
        }
        switch (status)
        {
            case ContractStatus.Lapsed when c.LapsedOn is { } lapsed:
                return Capped(PremiumSchedule.FirstOnOrAfter(c.IssueDate, months, lapsed.AddMonths(-2)));
            case ContractStatus.InForce or ContractStatus.Reinstated:
                // The period covering the as-of day is paid: paid to the first due date after it.
                var current = PremiumSchedule.FirstOnOrAfter(c.IssueDate, months, _asOf.AddDays(1));
                var rate = LapseRate(p, c, Burden(p), UnresolvedComplaint(p, _asOf, _asOf.AddMonths(-6)), _asOf);
                var behindShare = Math.Min(0.5, 0.015 + 4 * rate);
                var u = SyntheticRandom.Derive(_seed, c.Id, PaidToSalt) / 2147483648.0;
                var behind = u >= behindShare ? 0 : months > 1 ? 1 : (u / behindShare) switch { < 0.6 => 1, < 0.9 => 2, _ => 3 };
                return Capped(current - behind);
            default:
                return Capped(PremiumSchedule.FirstOnOrAfter(c.IssueDate, months, c.State.StatusDate.AddDays(1)));
        }
    }
}
