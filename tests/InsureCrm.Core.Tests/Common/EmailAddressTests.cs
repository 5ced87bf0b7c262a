using InsureCrm.Core.Common;

namespace InsureCrm.Core.Tests.Common;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("hong@example.com")]
    [InlineData("hong.gildong+crm@mail.example.co.kr")]
    [InlineData("o'brien@example.ie")]
    [InlineData("a_b-c@sub-domain.example.com")]
    [InlineData("kim@xn--3e0b707e.xn--3e0b707e")]
    public void IsValid_OrdinaryAddress_IsAccepted(string address) => EmailAddress.IsValid(address).ShouldBeTrue();

    [Theory]
    [InlineData("a@x.com<script>")]
    [InlineData("<script>@x.com")]
    [InlineData("a@x.com\"onmouseover=alert(1)")]
    [InlineData("a b@x.com")]
    [InlineData("a@x.com\t")]
    [InlineData("a@x.com\n")]
    [InlineData("a@x\u0000.com")]
    [InlineData("a@@x.com")]
    [InlineData("a@b@x.com")]
    [InlineData("@x.com")]
    [InlineData("a@x")]
    [InlineData("a@.x.com")]
    [InlineData("a@x..com")]
    [InlineData("a@-x.com")]
    [InlineData("a@x-.com")]
    [InlineData("a@x.c")]
    [InlineData("a@x.c0m")]
    [InlineData(".a@x.com")]
    [InlineData("a.@x.com")]
    [InlineData("a..b@x.com")]
    [InlineData("a@[127.0.0.1]")]
    [InlineData("\"a\"@x.com")]
    [InlineData("a(comment)@x.com")]
    [InlineData("홍길동@x.com")]
    [InlineData("a@x.com;b@y.com")]
    [InlineData("a@x.com,b@y.com")]
    public void IsValid_MalformedOrMarkup_IsRefused(string address) => EmailAddress.IsValid(address).ShouldBeFalse();

    [Fact]
    public void IsValid_LongerThanTheColumn_IsRefused() =>
        EmailAddress.IsValid(new string('a', 60) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 3)) + ".com").ShouldBeFalse();
}
