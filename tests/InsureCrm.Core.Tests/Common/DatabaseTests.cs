using InsureCrm.Core.Common;
using Npgsql;

namespace InsureCrm.Core.Tests.Common;

public sealed class DatabaseTests
{
    [Fact]
    public void PreparePostgres_OperatorSetsNothing_PreparesStatementsAndKeepsSessions()
    {
        var csb = new NpgsqlConnectionStringBuilder(CrmDatabase.PreparePostgres("Host=db;Database=crm;Username=crm"));

        csb.MaxAutoPrepare.ShouldBe(64);
        csb.AutoPrepareMinUsages.ShouldBe(2);
        csb.NoResetOnClose.ShouldBeTrue();
        csb.Host.ShouldBe("db");
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;Auto Prepare Min Usages=5;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;AutoPrepareMinUsages=5;NORESETONCLOSE=false")]
    public void PreparePostgres_OperatorSetsThem_TheOperatorWins(string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(CrmDatabase.PreparePostgres(connectionString));

        csb.MaxAutoPrepare.ShouldBe(0);
        csb.AutoPrepareMinUsages.ShouldBe(5);
        csb.NoResetOnClose.ShouldBeFalse();
    }
}
