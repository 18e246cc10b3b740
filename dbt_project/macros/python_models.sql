{#-
    The Python models on Spark. dbt-spark hands Python to Databricks only; here the compiled
    model runs in the dbt process's own SparkSession (pmo-dbt registers the `session`
    submission method, see pipelines/transform/dbt_cli.py). The models are written against
    DuckDB's relations: each ref is read with `.pl()` into a polars frame, and the polars frame
    a model returns is the table. The same holds here: a ref's Spark table is read into polars
    through Arrow, the result written back through Arrow as a Parquet table. SQL models are
    created as dbt-spark creates them.
-#}
{% macro spark__create_table_as(temporary, relation, compiled_code, language='sql') -%}
    {%- if language == 'python' -%}
{{ compiled_code }}


# --- the model's table, written in the SparkSession that runs it --- #
import polars


class SparkRelation:
    """A ref as a model reads it: .pl() is the table's rows as a polars frame."""

    def __init__(self, frame):
        self.frame = frame

    def pl(self):
        return polars.from_arrow(self.frame.toArrow())


dbt = dbtObj(lambda name: SparkRelation(spark.table(name)))
result = model(dbt, spark)
rows = result.to_arrow(compat_level=polars.CompatLevel.oldest())
frame = spark.createDataFrame(rows)
frame.write.mode("overwrite").format("{{ config.get('file_format', 'parquet') }}").saveAsTable(
    "{{ relation }}"
)
    {%- else -%}
        {{ dbt.spark__create_table_as(temporary, relation, compiled_code, language) }}
    {%- endif -%}
{%- endmacro %}
