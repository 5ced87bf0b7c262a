using InsureCrm.Core.Customers;

namespace InsureCrm.Core.Tests.Customers;

public sealed class RrnTests
{
    [Theory]
    [InlineData("900101-1234567", 1990, Gender.Male)]
    [InlineData("0503154123456", 2005, Gender.Female)]
    [InlineData(" 851231-2000000 ", 1985, Gender.Female)]
    public void TryParse_WellFormed_GivesBirthDateGenderAndMask(string text, int year, Gender gender)
    {
        Rrn.TryParse(text, out var rrn, out var error).ShouldBeTrue(error);
        rrn!.Value.BirthDate.Year.ShouldBe(year);
        rrn.Value.Gender.ShouldBe(gender);
        rrn.Value.Masked.ShouldMatch(@"^\d{6}-\d\*{6}$");
        rrn.Value.Masked.ShouldNotContain(rrn.Value.Digits[7..]);
    }

    [Theory]
    [InlineData("", "13 digits")]
    [InlineData("900101-123456", "13 digits")]
    [InlineData("9001011234a67", "13 digits")]
    [InlineData("901301-1234567", "not a real date")]
    [InlineData("900230-1234567", "not a real date")]
    public void TryParse_Malformed_NamesTheProblem(string text, string reason)
    {
        Rrn.TryParse(text, out var rrn, out var error).ShouldBeFalse();
        rrn.ShouldBeNull();
        error.ShouldContain(reason);
    }

    [Fact]
    public void Create_Foreigner_UsesRegistrationDigitsFiveToEight()
    {
        Rrn.Create(new DateOnly(1985, 7, 1), Gender.Male, 1, foreigner: true).Masked.ShouldBe("850701-5******");
        Rrn.Create(new DateOnly(2002, 7, 1), Gender.Female, 1, foreigner: true).Masked.ShouldBe("020701-8******");
    }

    [Fact]
    public void Create_RoundTripsThroughParse()
    {
        var rrn = Rrn.Create(new DateOnly(2001, 2, 28), Gender.Female, 12345);
        rrn.Masked.ShouldBe("010228-4******");
        Rrn.TryParse(rrn.Formatted, out var parsed, out _).ShouldBeTrue();
        parsed.ShouldBe(rrn);
    }

    [Theory]
    [InlineData(1990, 1, 1, Gender.Male, RrnConflict.None)]
    [InlineData(1990, 1, 2, Gender.Male, RrnConflict.BirthDate)]
    [InlineData(1990, 1, 1, Gender.Female, RrnConflict.Gender)]
    [InlineData(1990, 1, 2, Gender.Female, RrnConflict.BirthDate | RrnConflict.Gender)]
    [InlineData(1990, 1, 1, Gender.Unknown, RrnConflict.None)]
    public void ConflictWith_StatedBirthDateAndGender_NamesWhatTheRrnContradicts(int year, int month, int day, Gender gender, RrnConflict expected)
    {
        Rrn.TryParse("900101-1234567", out var rrn, out _).ShouldBeTrue();

        rrn.Value.ConflictWith(new DateOnly(year, month, day), gender).ShouldBe(expected);
        rrn.Value.ConflictWith(null, null).ShouldBe(RrnConflict.None, "nothing stated, nothing contradicted");
    }
}
