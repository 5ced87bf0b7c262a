using InsureCrm.Core.Policies;

namespace InsureCrm.Core.Tests.Policies;

public sealed class ContractLifecycleTests
{
    private static Contract NewContract(ContractStatus status) =>
        new() { Id = 1, CustomerId = 2, Status = status, StatusDate = new DateOnly(2020, 1, 1) };

    [Theory]
    [InlineData(ContractStatus.Applied, ContractStatus.InForce)]
    [InlineData(ContractStatus.Applied, ContractStatus.Cancelled)]
    [InlineData(ContractStatus.InForce, ContractStatus.Lapsed)]
    [InlineData(ContractStatus.Lapsed, ContractStatus.Reinstated)]
    [InlineData(ContractStatus.Reinstated, ContractStatus.Surrendered)]
    [InlineData(ContractStatus.InForce, ContractStatus.PaidUp)]
    [InlineData(ContractStatus.PaidUp, ContractStatus.Matured)]
    [InlineData(ContractStatus.InForce, ContractStatus.TerminatedByClaim)]
    public void Move_LegalTransition_ChangesStatusAndRecordsHistory(ContractStatus from, ContractStatus to)
    {
        var contract = NewContract(from);
        var (change, error) = ContractLifecycle.Move(contract, to, new DateOnly(2021, 5, 1), DateTime.UtcNow, "test");

        error.ShouldBeNull();
        contract.Status.ShouldBe(to);
        contract.StatusDate.ShouldBe(new DateOnly(2021, 5, 1));
        change!.FromStatus.ShouldBe(from);
        change.ToStatus.ShouldBe(to);
        change.CustomerId.ShouldBe(2);
    }

    [Theory]
    [InlineData(ContractStatus.Surrendered, ContractStatus.InForce)]
    [InlineData(ContractStatus.Matured, ContractStatus.Reinstated)]
    [InlineData(ContractStatus.Applied, ContractStatus.Lapsed)]
    [InlineData(ContractStatus.Lapsed, ContractStatus.PaidUp)]
    [InlineData(ContractStatus.Cancelled, ContractStatus.InForce)]
    [InlineData(ContractStatus.InForce, ContractStatus.Reinstated)]
    public void Move_IllegalTransition_IsRefusedAndNothingChanges(ContractStatus from, ContractStatus to)
    {
        var contract = NewContract(from);
        var (change, error) = ContractLifecycle.Move(contract, to, new DateOnly(2021, 5, 1), DateTime.UtcNow, null);

        change.ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain($"from {from} to {to}");
        contract.Status.ShouldBe(from);
    }

    [Fact]
    public void Move_BackdatedBeforeCurrentStatus_IsRefused()
    {
        var contract = NewContract(ContractStatus.InForce);
        var (change, error) = ContractLifecycle.Move(contract, ContractStatus.Lapsed, new DateOnly(2019, 12, 31), DateTime.UtcNow, null);

        change.ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain("before the current status date");
    }

    [Fact]
    public void TerminalStatuses_HaveNoExit()
    {
        foreach (var status in Enum.GetValues<ContractStatus>())
        {
            ContractLifecycle.IsTerminal(status).ShouldBe(
                status is ContractStatus.Surrendered or ContractStatus.Matured or ContractStatus.TerminatedByClaim or ContractStatus.Cancelled,
                status.ToString());
        }
    }
}
