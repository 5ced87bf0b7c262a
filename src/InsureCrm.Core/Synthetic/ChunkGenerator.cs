using System.Globalization;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;

namespace InsureCrm.Core.Synthetic;

/// <summary>
/// Generates customers chunk by chunk: families (households with spouses and children, adult children
/// with households of their own), a few companies and a few duplicate records, then simulates about ten
/// years of each policyholder's history month by month with the hazards of <see cref="HiddenModel"/>.
/// Chunks must be generated in order (ids continue from one chunk to the next); each chunk draws from its
/// own seeded stream.
/// </summary>
internal sealed partial class ChunkGenerator
{
    private const double CorporateShare = 0.01;
    private const double DuplicateShare = 0.035;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly int _seed;
    private readonly DateOnly _asOf;
    /// <summary>The date the truth describes; <see cref="_asOf"/> unless the truth is asked for an earlier date.</summary>
    private readonly DateOnly _truthAt;
    private readonly DateOnly _historyStart;
    private readonly FieldProtector _protector;
    private readonly AgentForce _force;
    private readonly IdCounters _ids = new();
    private readonly HashSet<long> _rrns = [];
    /// <summary>The planted campaigns (<see cref="GenerationOptions.Campaigns"/>); empty when off, and then nothing below draws or writes for them.</summary>
    private readonly IReadOnlyList<PlantedRun> _campaigns;
    private Random _rng = new(0);
    private ChunkData _data = new();

    public ChunkGenerator(int seed, DateOnly asOf, FieldProtector protector, AgentForce force, DateOnly? truthAt = null,
        IReadOnlyList<PlantedRun>? campaigns = null, long contactIdBase = 0)
    {
        _campaigns = campaigns ?? [];
        _ids.CampaignContact = contactIdBase;
        _seed = seed;
        _asOf = asOf;
        _truthAt = truthAt is { } t && t < asOf ? t : asOf;
        _historyStart = new DateOnly(asOf.Year, asOf.Month, 1).AddMonths(-120);
        _protector = protector;
        _force = force;
    }

    public ChunkData Generate(int chunkIndex, int customers)
    {
        _rng = new Random(SyntheticRandom.Derive(_seed, chunkIndex + 1L));
        _data = new ChunkData { Index = chunkIndex };
        var remaining = customers;
        while (remaining > 0)
        {
            List<SimPerson> family;
            if (_rng.Chance(CorporateShare))
            {
                family = [NewCompany()];
            }
            else
            {
                family = NewFamily(remaining);
            }
            remaining -= family.Count;
            foreach (var p in family)
            {
                Consents(p);
                if (p.IsAdult)
                {
                    Simulate(p);
                }
            }
            foreach (var p in family)
            {
                EmitCustomer(p, duplicateOf: null, rule: null, sourceSystem: null, truth: p);
            }
            EmitHouseholds(family);
            foreach (var p in family)
            {
                if (remaining > 0 && p.Kind == CustomerKind.Individual && p.IsAdult && p.IsAliveOn(_asOf) && _rng.Chance(DuplicateShare))
                {
                    EmitDuplicate(p);
                    remaining--;
                }
            }
        }
        _data.Customers = customers;
        return _data;
    }

    // ---------------------------------------------------------------- people

    private static readonly (string Name, double Weight, double Income)[] WorkingOccupations =
    [
        ("회사원", 40, 45e6), ("자영업", 14, 40e6), ("공무원", 7, 48e6), ("전문직", 4, 90e6), ("교사", 3, 50e6), ("서비스직", 8, 28e6),
        ("생산직", 7, 36e6), ("판매직", 5, 30e6), ("의료인", 2, 80e6), ("프리랜서", 3, 30e6), ("운전기사", 2, 35e6), ("농어업", 2, 25e6),
        ("군인", 1, 42e6), ("주부", 0, 0), ("무직", 2, 8e6),
    ];

    private static readonly WeightedTable<int> WorkingTable = new([.. WorkingOccupations.Select((o, i) => (i, o.Weight))]);

    private (string Occupation, double Income) Occupation(int age, Gender gender)
    {
        if (age < 20)
        {
            return (age >= 7 ? "학생" : "미취학", 0);
        }
        if (age < 25 && _rng.Chance(0.45))
        {
            return ("학생", 3e6);
        }
        if (gender == Gender.Female && age >= 28 && _rng.Chance(age >= 60 ? 0.25 : 0.16))
        {
            return ("주부", 0);
        }
        if (age >= 62 && _rng.Chance(0.55))
        {
            return ("은퇴", 14e6);
        }
        var o = WorkingOccupations[WorkingTable.Pick(_rng)];
        var ageFactor = Math.Clamp(0.65 + (age - 25) * 0.025, 0.65, 1.25) * (age >= 60 ? 0.75 : 1.0);
        return (o.Name, o.Income * ageFactor * Math.Exp(0.35 * _rng.Normal()));
    }

    private static IncomeBand BandOf(double income) => income switch
    {
        < 20e6 => IncomeBand.Under2000,
        < 40e6 => IncomeBand.From2000To4000,
        < 60e6 => IncomeBand.From4000To6000,
        < 80e6 => IncomeBand.From6000To8000,
        < 120e6 => IncomeBand.From8000To12000,
        _ => IncomeBand.Over12000,
    };

    private SimPerson NewPerson(string surname, Gender gender, DateOnly birth, int sido, string sigungu, int branch)
    {
        var p = new SimPerson
        {
            Id = ++_ids.Customer,
            Kind = CustomerKind.Individual,
            Gender = gender,
            BirthDate = birth,
            Name = KoreanNames.FullName(_rng, surname, gender, birth.Year),
            Sido = sido,
            Sigungu = sigungu,
            Branch = branch,
            Engagement = _rng.Normal(),
        };
        var age = p.AgeOn(_asOf);
        p.IsAdult = age >= 20;
        // About 1.5% of adults are registered foreign residents (Hanzi or Latin names, 7th RRN digit 5-8).
        var foreigner = p.IsAdult && _rng.Chance(0.015);
        if (foreigner)
        {
            (p.Name, p.Script) = KoreanNames.ForeignName(_rng, gender);
        }
        p.Rrn = NewRrn(birth, gender, foreigner);
        var (occupation, income) = Occupation(age, gender);
        p.Occupation = occupation == "미취학" ? null : occupation;
        p.Income = income;
        p.Band = age < 20 ? IncomeBand.Unknown : _rng.Chance(0.06) ? IncomeBand.Unknown : BandOf(income);
        p.Marital = MaritalStatus.NeverMarried;
        p.Mobile = age >= 10 ? "010" + _rng.Next(20000000, 99999999).ToString(Inv) : null;
        p.Email = age >= 14 && _rng.Chance(age < 40 ? 0.7 : age < 60 ? 0.45 : 0.2) ? KoreanNames.Email(_rng, birth.Year) : null;
        p.CarOwner = age >= 21 && _rng.Chance(0.6);
        p.PreferredChannel = _rng.NextDouble() switch
        {
            < 0.3 => ContactChannel.Visit,
            < 0.6 => ContactChannel.Phone,
            < 0.8 => ContactChannel.Sms,
            < 0.9 => p.Email is null ? ContactChannel.Phone : ContactChannel.Email,
            _ => null,
        };
        p.PreferredTime = _rng.NextDouble() switch
        {
            < 0.4 => ContactTime.Any,
            < 0.55 => ContactTime.Morning,
            < 0.75 => ContactTime.Afternoon,
            < 0.95 => ContactTime.Evening,
            _ => ContactTime.Weekend,
        };
        if (p.IsAdult)
        {
            var twenty = birth.AddYears(20);
            var from = twenty > _historyStart ? twenty : _historyStart;
            var span = Math.Max(1, _asOf.DayNumber - 20 - from.DayNumber);
            p.Acquisition = from.AddDays(_rng.Next(span));
            p.Prospect = _rng.Chance(0.06);
        }
        else
        {
            p.Acquisition = birth > _historyStart ? birth : _historyStart;
        }
        p.LastActivity = p.Acquisition;
        p.DeathDate = DrawDeath(p);
        return p;
    }

    private Rrn NewRrn(DateOnly birth, Gender gender, bool foreigner = false)
    {
        while (true)
        {
            var rrn = Rrn.Create(birth, gender, _rng.Next(100000), foreigner);
            if (_rrns.Add(long.Parse(rrn.Digits, Inv)))
            {
                return rrn;
            }
        }
    }

    private DateOnly DrawDeath(SimPerson p)
    {
        // Year by year from the relationship start with the monthly mortality of HiddenModel.
        var date = p.Acquisition;
        while (date < _asOf)
        {
            var q = SyntheticRandom.WithinMonths(HiddenModel.MortalityRate(p.AgeOn(date)), 12);
            if (_rng.Chance(q))
            {
                var d = date.AddDays(_rng.Next(365));
                return d <= _asOf ? d : DateOnly.MaxValue;
            }
            date = date.AddYears(1);
        }
        return DateOnly.MaxValue;
    }

    private DateOnly BirthForAge(double age)
    {
        var days = (int)(age * 365.25) + _rng.Next(365);
        return _asOf.AddDays(-days);
    }

    private List<SimPerson> NewFamily(int room)
    {
        var sido = KoreanRegions.ByPopulation.Pick(_rng);
        var region = KoreanRegions.All[sido];
        var sigungu = _rng.Pick(region.Sigungu);
        var branch = _force.BranchFor(_rng, sido);
        var headAge = Math.Clamp(48 + 13 * _rng.Normal(), 22, 88);
        var headGender = _rng.Chance(0.52) ? Gender.Male : Gender.Female;
        var headSurname = KoreanNames.Surnames.Pick(_rng);
        var head = NewPerson(headSurname, headGender, BirthForAge(headAge), sido, sigungu, branch);
        var family = new List<SimPerson> { head };
        var age = head.AgeOn(_asOf);
        var marriedP = age switch { < 30 => 0.25, < 40 => 0.6, < 65 => 0.8, _ => 0.9 };
        if (!_rng.Chance(marriedP))
        {
            head.HouseholdIncome = Math.Max(head.Income, 12e6);
            return family;
        }
        var ageAtMarriage = (headGender == Gender.Male ? 31 : 29) + 3 * _rng.Normal();
        head.MarriageDate = head.BirthDate!.Value.AddDays((int)(Math.Clamp(ageAtMarriage, 20, age) * 365.25));
        head.Marital = age switch
        {
            >= 65 => _rng.NextDouble() switch { < 0.68 => MaritalStatus.Married, < 0.93 => MaritalStatus.Widowed, _ => MaritalStatus.Divorced },
            >= 40 => _rng.NextDouble() switch { < 0.88 => MaritalStatus.Married, < 0.97 => MaritalStatus.Divorced, _ => MaritalStatus.Widowed },
            _ => _rng.Chance(0.95) ? MaritalStatus.Married : MaritalStatus.Divorced,
        };
        var fatherSurname = headGender == Gender.Male ? headSurname : KoreanNames.Surnames.Pick(_rng);
        var spouseIncome = 30e6;
        if (head.Marital == MaritalStatus.Married && family.Count < room && _rng.Chance(0.55))
        {
            var spouseGender = headGender == Gender.Male ? Gender.Female : Gender.Male;
            var spouseAge = Math.Clamp(age + (headGender == Gender.Male ? -2 : 2) + 2 * _rng.Normal(), 20, 92);
            var spouse = NewPerson(headGender == Gender.Male ? KoreanNames.Surnames.Pick(_rng) : fatherSurname, spouseGender, BirthForAge(spouseAge), sido, sigungu, branch);
            spouse.Marital = MaritalStatus.Married;
            spouse.MarriageDate = head.MarriageDate;
            spouse.Spouse = head;
            head.Spouse = spouse;
            spouseIncome = spouse.Income;
            family.Add(spouse);
        }
        // Children, customers or not: their births are life events of the parents.
        var children = _rng.NextDouble() switch { < 0.15 => 0, < 0.5 => 1, < 0.9 => 2, _ => 3 };
        var birth = head.MarriageDate.Value.AddDays(_rng.Next(300, 1500));
        for (var c = 0; c < children && birth <= _asOf; c++)
        {
            head.ChildBirths.Add(birth);
            head.Spouse?.ChildBirths.Add(birth);
            var childAge = (_asOf.DayNumber - birth.DayNumber) / 365.25;
            var customerP = childAge < 20 ? 0.45 : 0.35;
            if (family.Count < room && _rng.Chance(customerP))
            {
                var child = NewPerson(fatherSurname, _rng.Chance(0.51) ? Gender.Male : Gender.Female, birth, sido, sigungu, branch);
                head.ChildCustomers.Add(child);
                head.Spouse?.ChildCustomers.Add(child);
                family.Add(child);
                if (childAge >= 28 && _rng.Chance(0.55))
                {
                    // A married adult child: a household of their own, sometimes with their spouse as a customer too.
                    child.Marital = MaritalStatus.Married;
                    child.MarriageDate = birth.AddDays((int)((28 + 3 * _rng.NextDouble()) * 365.25));
                    if (child.MarriageDate > _asOf)
                    {
                        child.MarriageDate = _asOf.AddDays(-_rng.Next(30, 700));
                    }
                    if (family.Count < room && _rng.Chance(0.4))
                    {
                        var inLawGender = child.Gender == Gender.Male ? Gender.Female : Gender.Male;
                        var inLaw = NewPerson(KoreanNames.Surnames.Pick(_rng), inLawGender, birth.AddDays(_rng.Next(-1000, 1000)), sido, _rng.Pick(region.Sigungu), branch);
                        inLaw.Marital = MaritalStatus.Married;
                        inLaw.MarriageDate = child.MarriageDate;
                        inLaw.Spouse = child;
                        child.Spouse = inLaw;
                        family.Add(inLaw);
                    }
                }
            }
            birth = birth.AddDays(_rng.Next(500, 1800));
        }
        foreach (var p in family)
        {
            p.HouseholdIncome = Math.Max(p.Income, 12e6) + (p.Marital == MaritalStatus.Married ? (p.Spouse?.Income ?? spouseIncome) * 0.8 : 0);
        }
        return family;
    }

    private SimPerson NewCompany()
    {
        var sido = _rng.Chance(0.6) ? _rng.Next(2) == 0 ? 0 : 8 : KoreanRegions.ByPopulation.Pick(_rng);
        var region = KoreanRegions.All[sido];
        var p = new SimPerson
        {
            Id = ++_ids.Customer,
            Kind = CustomerKind.Corporate,
            Name = KoreanNames.CompanyName(_rng),
            Gender = Gender.Unknown,
            Marital = MaritalStatus.Unknown,
            Band = IncomeBand.Unknown,
            BusinessNumber = string.Create(Inv, $"{_rng.Next(101, 900):D3}-{_rng.Next(81, 89):D2}-{_rng.Next(0, 99999):D5}"),
            Income = 5e9,
            HouseholdIncome = 5e9,
            Engagement = _rng.Normal(),
            Sido = sido,
            Sigungu = _rng.Pick(region.Sigungu),
            Branch = _force.BranchFor(_rng, sido),
            Mobile = region.AreaCode + _rng.Next(2000000, 9999999).ToString(Inv),
            IsAdult = true,
            PreferredChannel = ContactChannel.Visit,
            PreferredTime = ContactTime.Afternoon,
        };
        var span = Math.Max(1, _asOf.DayNumber - 20 - _historyStart.DayNumber);
        p.Acquisition = _historyStart.AddDays(_rng.Next(span));
        p.LastActivity = p.Acquisition;
        return p;
    }

    // ---------------------------------------------------------------- helpers

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private DateOnly DayIn(DateOnly from, DateOnly to) =>
        to <= from ? from : from.AddDays(_rng.Next(to.DayNumber - from.DayNumber + 1));

    private DateTime At(DateOnly date, int kstHourFrom = 9, int kstHourTo = 19) =>
        date.ToDateTime(new TimeOnly(_rng.Next(kstHourFrom, kstHourTo), _rng.Next(60), _rng.Next(60)), DateTimeKind.Utc).AddHours(-9);

    private static string Key(string prefix, long id) => prefix + id.ToString("D10", Inv);
}
