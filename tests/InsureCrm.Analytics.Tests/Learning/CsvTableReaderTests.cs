using System.Text;
using InsureCrm.Analytics.Learning;

namespace InsureCrm.Analytics.Tests.Learning;

public sealed class CsvTableReaderTests
{
    private const string Policies = """
        id,age,region,code,premium,y
        a1,30,north,28.0,100.5,yes
        a2,41,south,5,NA,no
        a3,,north,28,1e3,yes
        a4,52,east,5,200,no
        """;

    private static Func<TextReader> Csv(string text) => () => new StringReader(text);

    private static CsvTable Read(string text, string target = "y", string? id = null, string[]? categorical = null, string[]? numeric = null,
        string[]? ignore = null, string? positive = null) =>
        CsvTableReader.Read(Csv(text), new CsvTrainingOptions
        {
            Target = target,
            Id = id,
            Categorical = categorical ?? [],
            Numeric = numeric ?? [],
            Ignore = ignore ?? [],
            Positive = positive,
        });

    private static CsvDataException Fails(string text, string target = "y", string[]? numeric = null, string[]? categorical = null, string? positive = null) =>
        Should.Throw<CsvDataException>(() => Read(text, target, numeric: numeric, categorical: categorical, positive: positive));

    private static Feature FeatureNamed(CsvTable table, string name) => table.Table.Features.Single(f => f.Name == name);

    private static double[] Values(CsvTable table, string name)
    {
        var j = table.Table.Features.ToList().FindIndex(f => f.Name == name);
        return table.Table.Column(j).ToArray();
    }

    [Fact]
    public void Read_MixedColumns_InfersNumbersAsNumericAndTextAsCategorical()
    {
        var table = Read(Policies, id: "id");

        table.Table.Features.Select(f => f.Name).ShouldBe(["age", "region", "code", "premium"]);
        FeatureNamed(table, "age").Kind.ShouldBe(FeatureKind.Numeric);
        FeatureNamed(table, "code").Kind.ShouldBe(FeatureKind.Numeric);
        FeatureNamed(table, "premium").Kind.ShouldBe(FeatureKind.Numeric);
        FeatureNamed(table, "region").Categories.ShouldBe(["east", "north", "south"]);
        Values(table, "region").ShouldBe([1.0, 2.0, 1.0, 0.0]);
        Values(table, "premium").ShouldBe([100.5, double.NaN, 1000, 200]);
        table.Ids.ShouldBe(["a1", "a2", "a3", "a4"]);
        table.Labels.ShouldBe([true, false, true, false]);
        table.Schema.Positive.ShouldBe("yes");
        table.Columns.Single(c => c.Name == "age").Missing.ShouldBe(1);
        table.Columns.Single(c => c.Name == "id").Use.ShouldBe(CsvColumnUse.Id);
    }

    [Fact]
    public void Read_CategoricalOverride_ReadsNumericCodesAsLevelsAndMergesTheirSpellings()
    {
        var table = Read(Policies, id: "id", categorical: ["code"]);

        var code = FeatureNamed(table, "code");
        code.Kind.ShouldBe(FeatureKind.Categorical);
        code.Categories.ShouldBe(["5", "28"]);
        Values(table, "code").ShouldBe([1.0, 0.0, 1.0, 0.0]);
        table.Columns.Single(c => c.Name == "code").Forced.ShouldBeTrue();
    }

    [Fact]
    public void Read_IgnoreOverride_LeavesTheColumnOut()
    {
        var table = Read(Policies, id: "id", ignore: ["region", "premium"]);

        table.Table.Features.Select(f => f.Name).ShouldBe(["age", "code"]);
        table.Columns.Single(c => c.Name == "region").Use.ShouldBe(CsvColumnUse.Ignored);
    }

    [Fact]
    public void Read_NumericOverrideWithText_NamesLineAndColumn()
    {
        var error = Fails("""
            age,region,y
            30,north,1
            31,south,0
            """, numeric: ["region"]);

        error.Line.ShouldBe(2);
        error.Column.ShouldBe("region");
        error.Message.ShouldContain("line 2, column region: 'north' is not a number");
    }

    [Fact]
    public void Read_QuotedFields_KeepCommasQuotesAndLineBreaksAndCountLines()
    {
        const string Text = "city,note,y\r\n\"Seoul, Korea\",\"said \"\"hi\"\"\",1\r\n\"Busan\",\"two\nlines\",0\r\nDaegu,plain,1\r\nIncheon,short\r\n";

        var error = Fails(Text);
        error.Line.ShouldBe(6);
        error.Column.ShouldBe("y");

        var table = Read(Text.Replace("Incheon,short\r\n", "Incheon,\"\",0\r\n", StringComparison.Ordinal));
        FeatureNamed(table, "city").Categories.ShouldBe(["Busan", "Daegu", "Incheon", "Seoul, Korea"]);
        FeatureNamed(table, "note").Categories.ShouldBe(["plain", "said \"hi\"", "two\nlines"]);
        Values(table, "note")[3].ShouldBe(double.NaN);
    }

    [Theory]
    [InlineData("")]
    [InlineData("NA")]
    [InlineData("nan")]
    [InlineData("NULL")]
    [InlineData("  ")]
    public void Read_MissingMarker_IsMissingInNumericAndCategoricalColumns(string marker)
    {
        var table = Read($"""
            age,region,y
            30,north,1
            {marker},{marker},0
            40,south,0
            """);

        FeatureNamed(table, "age").Kind.ShouldBe(FeatureKind.Numeric);
        Values(table, "age")[1].ShouldBe(double.NaN);
        FeatureNamed(table, "region").Categories.ShouldBe(["north", "south"]);
        Values(table, "region")[1].ShouldBe(double.NaN);
    }

    [Fact]
    public void Read_FileWithByteOrderMark_ReadsTheFirstHeaderName()
    {
        var path = Path.Combine(Path.GetTempPath(), $"csv-bom-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "age,지역,y\n30,서울,1\n40,부산,0\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try
        {
            var table = CsvTableReader.Read(path, new CsvTrainingOptions { Target = "y" });

            table.Table.Features.Select(f => f.Name).ShouldBe(["age", "지역"]);
            FeatureNamed(table, "지역").Categories.ShouldBe(["부산", "서울"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_NotUtf8_SaysSo()
    {
        var path = Path.Combine(Path.GetTempPath(), $"csv-latin1-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(path, [.. "age,city,y\n30,"u8.ToArray(), 0xE9, .. "vry,1\n"u8.ToArray()]);
        try
        {
            Should.Throw<CsvDataException>(() => CsvTableReader.Read(path, new CsvTrainingOptions { Target = "y" })).Message.ShouldContain("not valid UTF-8");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("0", "1", "1")]
    [InlineData("false", "true", "true")]
    [InlineData("No", "Yes", "Yes")]
    [InlineData("N", "Y", "Y")]
    [InlineData("10", "9", "10")]
    public void Read_BinaryTarget_PositiveIsTheValueThatSortsSecond(string first, string second, string positive)
    {
        var table = Read($"x,y\n1,{first}\n2,{second}\n3,{first}\n");

        table.Schema.Positive.ShouldBe(positive);
        table.Labels!.Count(l => l).ShouldBe(positive == first ? 2 : 1);
    }

    [Fact]
    public void Read_PositiveOption_ChoosesTheClassAndMatchesNumbersAsNumbers()
    {
        var table = Read("x,y\n1,1\n2,0\n3,1.0\n", positive: "0");

        table.Schema.Positive.ShouldBe("0");
        table.Schema.Negative.ShouldBe("1");
        table.Labels.ShouldBe([false, true, false]);
    }

    [Fact]
    public void Read_PositiveNotAValue_NamesTheValues()
    {
        Fails("x,y\n1,yes\n2,no\n", positive: "maybe").Message.ShouldContain("--positive 'maybe' is not a value of column y; its values are 'yes' and 'no'");
    }

    [Fact]
    public void Read_ThirdTargetValue_NamesLineAndColumn()
    {
        var error = Fails("x,y\n1,yes\n2,no\n3,maybe\n");

        error.Line.ShouldBe(4);
        error.Column.ShouldBe("y");
        error.Message.ShouldContain("the target must be binary");
    }

    [Fact]
    public void Read_MissingTarget_NamesLineAndColumn()
    {
        var error = Fails("x,y\n1,1\n2,NA\n");

        error.Message.ShouldStartWith("line 3, column y: the target is missing");
    }

    [Fact]
    public void Read_OneTargetValue_SaysBothClassesAreNeeded()
    {
        Fails("x,y\n1,1\n2,1\n").Message.ShouldContain("needs rows of both classes");
    }

    [Fact]
    public void Read_TooFewFields_NamesLineAndFirstColumnWithoutValue()
    {
        var error = Fails("a,b,c,y\n1,2,3,1\n\n1,2\n");

        error.Line.ShouldBe(4);
        error.Column.ShouldBe("c");
        error.Message.ShouldStartWith("line 4, column c: no value; the line has 2 fields where the header has 4");
    }

    [Fact]
    public void Read_TooManyFields_NamesLineAndSaysToQuote()
    {
        var error = Fails("a,b,y\n1,2,1\n1,2,0,9\n");

        error.Line.ShouldBe(3);
        error.Column.ShouldBe("y");
        error.Message.ShouldContain("must be in double quotes");
    }

    [Fact]
    public void Read_DuplicateHeader_NamesTheColumnAndBothPositions()
    {
        var error = Fails("age,region,age,y\n1,a,2,1\n");

        error.Line.ShouldBe(1);
        error.Column.ShouldBe("age");
        error.Message.ShouldContain("names age twice (fields 1 and 3)");
    }

    [Fact]
    public void Read_EmptyFile_SaysItNeedsAHeader()
    {
        Fails("").Message.ShouldContain("the file is empty");
    }

    [Fact]
    public void Read_HeaderOnly_SaysThereAreNoRows()
    {
        Fails("x,y\n").Message.ShouldContain("no data rows");
    }

    [Fact]
    public void Read_UnclosedQuote_NamesLineAndColumn()
    {
        var error = Fails("x,note,y\n1,ok,1\n2,\"never closed,0\n3,x,1\n");

        error.Line.ShouldBe(3);
        error.Column.ShouldBe("note");
        error.Message.ShouldContain("not closed");
    }

    [Fact]
    public void Read_TextAfterClosingQuote_NamesLineAndColumn()
    {
        var error = Fails("x,note,y\n1,\"ab\"c,1\n");

        error.Message.ShouldStartWith("line 2, column note: text after the closing quote");
    }

    [Fact]
    public void Read_OptionNamesUnknownColumn_ListsTheHeader()
    {
        Fails("x,y\n1,1\n2,0\n", categorical: ["Region_Code"]).Message.ShouldContain("no column 'Region_Code' (named by --categorical); its columns are x, y");
        Fails("x,y\n1,1\n2,0\n", target: "Response").Message.ShouldContain("no column 'Response' (named by --target)");
    }

    [Fact]
    public void Read_OptionNamesUnknownColumnOfAHugeHeader_ListsTwentyNamesAndCountsTheRest()
    {
        var header = string.Join(',', Enumerable.Range(0, 100_000).Select(i => "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var message = Fails(header + "\n" + string.Join(',', Enumerable.Repeat("1", 100_000)) + "\n", target: "y").Message;

        message.ShouldContain("c19 and 99,980 more");
        message.Length.ShouldBeLessThan(1_000);
    }

    [Fact]
    public void Read_UnnamedColumnAsPandasWritesTheIndex_IsIgnored()
    {
        var table = Read(",x,y\n0,1.5,1\n1,2.5,0\n");

        table.Table.Features.Select(f => f.Name).ShouldBe(["x"]);
        table.Columns[0].Use.ShouldBe(CsvColumnUse.Ignored);
    }

    [Fact]
    public void Apply_NewFileInOtherColumnOrder_ReadsBySchemaAndUnknownLevelsAreMissing()
    {
        var training = Read(Policies, id: "id", categorical: ["code"]);

        var scored = CsvTableReader.Apply(Csv("""
            premium,code,region,age,id,extra
            50,28.0,west,33,b1,zz
            60,7,south,NA,b2,zz
            """), training.Schema);

        scored.Table.Features.ShouldBe(training.Table.Features);
        scored.Ids.ShouldBe(["b1", "b2"]);
        scored.Labels.ShouldBeNull();
        Values(scored, "region").ShouldBe([double.NaN, 2.0]);
        Values(scored, "code").ShouldBe([1.0, double.NaN]);
        Values(scored, "age").ShouldBe([33, double.NaN]);
        scored.Columns.Single(c => c.Name == "region").Unknown.ShouldBe(1);
        scored.Columns.Single(c => c.Name == "code").Unknown.ShouldBe(1);
    }

    [Fact]
    public void Apply_ModelColumnMissingFromFile_NamesIt()
    {
        var training = Read(Policies, id: "id");

        var error = Should.Throw<CsvDataException>(() => CsvTableReader.Apply(Csv("id,age,region,code\nb1,1,north,5\n"), training.Schema));

        error.Column.ShouldBe("premium");
        error.Message.ShouldContain("no column 'premium' (named by the model)");
    }

    [Fact]
    public void Apply_TextInNumericColumn_NamesLineAndColumn()
    {
        var training = Read(Policies, id: "id");

        var error = Should.Throw<CsvDataException>(() => CsvTableReader.Apply(Csv("id,age,region,code,premium\nb1,40,north,5,1\nb2,abc,north,5,1\n"), training.Schema));

        error.Message.ShouldStartWith("line 3, column age: 'abc' is not a number");
    }

    [Fact]
    public void Apply_WithTarget_ReadsLabelsAndRejectsAThirdValue()
    {
        var training = Read(Policies, id: "id");
        const string Header = "id,age,region,code,premium,y\n";

        var evaluated = CsvTableReader.Apply(Csv(Header + "b1,40,north,5,1,YES\nb2,41,north,5,1,no\n"), training.Schema, "y");
        evaluated.Labels.ShouldBe([true, false]);

        var error = Should.Throw<CsvDataException>(() => CsvTableReader.Apply(Csv(Header + "b1,40,north,5,1,yes\nb2,41,north,5,1,perhaps\n"), training.Schema, "y"));
        error.Message.ShouldStartWith("line 3, column y: 'perhaps' is neither the positive target value 'yes' nor the negative 'no'");
    }
}
