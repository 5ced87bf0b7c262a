using InsureCrm.Core.Customers;

namespace InsureCrm.Core.Tests.Customers;

public sealed class MaskingTests
{
    [Theory]
    [InlineData("홍길동", "홍*동")]
    [InlineData("남궁민수", "남**수")]
    [InlineData("이산", "이*")]
    [InlineData("John Smith", "J**n S***h")]
    [InlineData("王小明", "王*明")]
    [InlineData("A", "A")]
    [InlineData("", "")]
    public void Name_KeepsTheFirstAndLastLetterOfEachWord(string name, string masked) =>
        Masking.Name(name).ShouldBe(masked);
}
