using CodeChat.Api.Instances;
using Microsoft.AspNetCore.WebUtilities;

namespace CodeChat.Api.Tests;

/// <summary>
/// Form bodies read as CodeChat 1.3 reads them (Express urlencoded extended, i.e. the qs library):
/// the expected objects are what qs.parse gives for the same text.
/// </summary>
public sealed class UrlEncodedFormTests
{
    private static string Parse(string body)
    {
        var (json, failure) = UrlEncodedForm.ToJsonObject(QueryHelpers.ParseQuery(body));
        Assert.Null(failure);
        return json!.ToJsonString();
    }

    [Theory]
    [InlineData("instanceName=sales&description=Sales%20team", """{"instanceName":"sales","description":"Sales team"}""")]
    [InlineData("instanceName=S%C3%A3o+Paulo+1.0", """{"instanceName":"S\u00E3o Paulo 1.0"}""")]
    [InlineData("externalAttributes[crm][id]=7&externalAttributes[crm][tier]=gold", """{"externalAttributes":{"crm":{"id":"7","tier":"gold"}}}""")]
    [InlineData("tags[]=a&tags[]=b", """{"tags":["a","b"]}""")]
    [InlineData("tags=a&tags=b", """{"tags":["a","b"]}""")]
    [InlineData("list[1]=second&list[0]=first", """{"list":["first","second"]}""")]
    [InlineData("list[0]=x&list[21]=y", """{"list":{"0":"x","21":"y"}}""")]
    [InlineData("options[delay]=1200&options[presence]=composing", """{"options":{"delay":"1200","presence":"composing"}}""")]
    [InlineData("description=", """{"description":""}""")]
    [InlineData("a[b=1", """{"a[b":"1"}""")]
    [InlineData("a[b]c=1", """{"a":{"b":"1"}}""")]
    [InlineData("", "{}")]
    public void Form_fields_become_the_object_qs_would_give(string body, string expected)
    {
        Assert.Equal(expected, Parse(body));
    }

    [Fact]
    public void A_field_given_both_as_a_value_and_as_an_object_fails_naming_it()
    {
        var (json, failure) = UrlEncodedForm.ToJsonObject(QueryHelpers.ParseQuery("externalAttributes=1&externalAttributes[a]=2"));

        Assert.Null(json);
        Assert.Equal("externalAttributes", failure!.Property);
    }

    [Fact]
    public void Brackets_deeper_than_32_levels_become_one_last_key()
    {
        var key = "a" + string.Concat(Enumerable.Range(0, 40).Select(i => $"[k{i}]"));

        var json = Parse(Uri.EscapeDataString(key) + "=v");

        Assert.Equal(33, json.Count(c => c == '{') - 1);
        Assert.Contains("\"k31\":{\"[k32][k33]", json, StringComparison.Ordinal);
    }
}
