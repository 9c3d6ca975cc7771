"""The local Spark session: settings, reuse, and the Java check (the check itself needs no Java)."""
from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import ibis
import pytest

from workbench import engine
from workbench import spark as wbspark


def _fake_java(tmp_path, banner: str, code: int = 0):
    """A `java` that prints ``banner`` like `java -version` does (on stderr)."""
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    exe = home / "bin" / "java"
    exe.write_text(f"#!/bin/sh\necho '{banner}' >&2\nexit {code}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return home


class TestJavaCheck:
    def test_no_java_anywhere_says_what_to_install(self, monkeypatch, tmp_path):
        monkeypatch.delenv("JAVA_HOME", raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))
        assert wbspark.java_version() is None
        with pytest.raises(wbspark.SparkUnavailableError,
                           match=r"engine='spark' needs Java 17 or newer, but no `java` on the PATH and JAVA_HOME "
                                 r"is not set\. Install a Java runtime \(Debian/Ubuntu: `apt-get install "
                                 r"openjdk-17-jre-headless`.*or run with engine='duckdb', which needs no Java\."):
            wbspark.check_java()

    def test_java_home_without_java(self, monkeypatch, tmp_path):
        monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nowhere"))
        with pytest.raises(wbspark.SparkUnavailableError, match=r"but JAVA_HOME=.*nowhere has no bin/java\."):
            wbspark.check_java()

    @pytest.mark.parametrize("banner, major", [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_392"', 8),
        ('openjdk version "11.0.2" 2019-01-15', 11),
    ])
    def test_version_is_read_from_the_banner(self, monkeypatch, tmp_path, banner, major):
        monkeypatch.setenv("JAVA_HOME", str(_fake_java(tmp_path, banner)))
        assert wbspark.java_version() == major

    def test_too_old_java_is_refused_with_its_version(self, monkeypatch, tmp_path):
        monkeypatch.setenv("JAVA_HOME", str(_fake_java(tmp_path, 'openjdk version "11.0.2" 2019-01-15')))
        with pytest.raises(wbspark.SparkUnavailableError, match=r"needs Java 17 or newer \(PySpark 4\), but "
                                                                 r".*/bin/java is Java 11\. Install"):
            wbspark.check_java()

    def test_a_java_that_fails_to_run(self, monkeypatch, tmp_path):
        monkeypatch.setenv("JAVA_HOME", str(_fake_java(tmp_path, "Error: broken", code=1)))
        with pytest.raises(wbspark.SparkUnavailableError, match=r"`.*/bin/java -version` did not run"):
            wbspark.check_java()


class TestLocalSettings:
    def test_defaults_suit_a_small_machine_and_keep_dates_in_utc(self, monkeypatch):
        for var in ("WORKBENCH_SPARK_MASTER", "WORKBENCH_SPARK_DRIVER_MEMORY", "WORKBENCH_SPARK_SHUFFLE_PARTITIONS",
                    "WORKBENCH_SPARK_JAVA_OPTIONS"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setattr(wbspark, "class_archive", lambda: None)
        conf = wbspark.local_spark_conf()
        assert conf["spark.master"] == "local[2]"
        assert conf["spark.ui.enabled"] == "false"
        assert conf["spark.sql.shuffle.partitions"] == "4"
        assert conf["spark.sql.adaptive.enabled"] == "false"  # small local shuffles: re-planning only costs CPU
        assert conf["spark.sql.session.timeZone"] == "UTC"
        assert "-Duser.timezone=UTC" in conf["spark.driver.extraJavaOptions"]
        assert "log4j2.properties" in conf["spark.driver.extraJavaOptions"]
        assert conf["spark.driver.host"] == "127.0.0.1"
        assert "workbench-spark-" in conf["spark.sql.warehouse.dir"]  # not a spark-warehouse/ in the project
        assert conf["spark.driver.extraJavaOptions"].endswith(" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC")

    def test_jvm_flags_can_be_replaced_or_dropped(self, monkeypatch):
        monkeypatch.setenv("WORKBENCH_SPARK_JAVA_OPTIONS", "-XX:+UseG1GC")
        opts = wbspark.local_spark_conf()["spark.driver.extraJavaOptions"]
        assert opts.endswith("log4j2.properties -XX:+UseG1GC") and "TieredStopAtLevel" not in opts
        monkeypatch.setenv("WORKBENCH_SPARK_JAVA_OPTIONS", "")
        opts = wbspark.local_spark_conf()["spark.driver.extraJavaOptions"]
        assert opts.endswith("log4j2.properties") and "-XX:" not in opts

    def test_the_class_archive_is_mapped_when_present(self, monkeypatch, tmp_path):
        monkeypatch.delenv("WORKBENCH_SPARK_JAVA_OPTIONS", raising=False)
        archive = tmp_path / "spark.jsa"
        monkeypatch.setattr(wbspark, "class_archive", lambda: archive)
        assert "SharedArchiveFile" not in wbspark.local_spark_conf()["spark.driver.extraJavaOptions"]  # not written
        archive.write_bytes(b"x")
        opts = wbspark.local_spark_conf()["spark.driver.extraJavaOptions"]
        assert f" -XX:SharedArchiveFile={archive} -Xlog:cds=off -Xlog:cds+dynamic=off" in opts
        assert "-XX:TieredStopAtLevel=1" in opts
        monkeypatch.setenv("WORKBENCH_SPARK_JAVA_OPTIONS", "-XX:+UseG1GC")  # the user's flags only
        assert "SharedArchiveFile" not in wbspark.local_spark_conf()["spark.driver.extraJavaOptions"]

    def test_the_class_archive_is_named_for_this_pyspark_and_java(self, monkeypatch, tmp_path):
        pytest.importorskip("pyspark")
        import pyspark

        java = tmp_path / "jdk" / "bin" / "java"
        java.parent.mkdir(parents=True)
        java.write_text("")
        monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk"))
        first = wbspark.class_archive()
        assert first.parent == Path(sys.prefix) / "share" / "workbench"
        assert first.name.startswith(f"spark-{pyspark.__version__}-java-") and first.suffix == ".jsa"
        other = tmp_path / "jdk21" / "bin" / "java"
        other.parent.mkdir(parents=True)
        other.write_text("")
        monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk21"))
        assert wbspark.class_archive() != first   # another Java, another archive
        monkeypatch.setenv("JAVA_HOME", str(tmp_path / "none"))
        assert wbspark.class_archive() is None

    def test_a_failed_archive_run_says_why_and_leaves_nothing(self, monkeypatch, tmp_path, capsys):
        archive = tmp_path / "share" / "spark.jsa"
        monkeypatch.setattr(wbspark, "class_archive", lambda: archive)
        monkeypatch.setattr(wbspark.sys, "executable", "/bin/false")  # the child process fails
        with pytest.raises(RuntimeError, match=r"the Spark class-data archive was not written \(exit 1\)"):
            wbspark.make_class_archive()
        assert list(archive.parent.iterdir()) == []  # no partial file is left to be mapped later
        assert wbspark.main(["archive"]) == 1
        assert "workbench.spark: the Spark class-data archive was not written" in capsys.readouterr().err
        assert wbspark.main(["build"]) == 2
        assert "usage: python -m workbench.spark archive" in capsys.readouterr().err

    def test_an_existing_archive_is_kept(self, monkeypatch, tmp_path):
        archive = tmp_path / "spark.jsa"
        archive.write_bytes(b"x")
        monkeypatch.setattr(wbspark, "class_archive", lambda: archive)
        monkeypatch.setattr(wbspark.sys, "executable", "/bin/false")  # would fail if it ran
        assert wbspark.make_class_archive() == archive and archive.read_bytes() == b"x"

    def test_environment_and_arguments_override(self, monkeypatch):
        monkeypatch.setenv("WORKBENCH_SPARK_MASTER", "spark://head:7077")
        monkeypatch.setenv("WORKBENCH_SPARK_DRIVER_MEMORY", "8g")
        conf = wbspark.local_spark_conf(conf={"spark.executor.memory": "16g"})
        assert conf["spark.master"] == "spark://head:7077" and "spark.driver.host" not in conf
        assert conf["spark.driver.memory"] == "8g" and conf["spark.executor.memory"] == "16g"
        assert wbspark.local_spark_conf(master="yarn")["spark.master"] == "yarn"


@pytest.mark.spark
class TestSession:
    def test_a_stale_class_archive_is_ignored_quietly(self, tmp_path):
        """An archive from another PySpark or Java (here: not an archive at all) must not stop the JVM or
        print into every report's log."""
        stale = tmp_path / "stale.jsa"
        stale.write_bytes(bytes(range(256)) * 8)
        run = subprocess.run([wbspark._java_executable(), f"-XX:SharedArchiveFile={stale}",
                              *wbspark._QUIET_CDS.split(), "-version"], capture_output=True, text=True)
        assert run.returncode == 0 and "warning" not in (run.stdout + run.stderr).lower()
        assert "version" in run.stderr


    def test_settings_are_in_force(self, spark_con):
        session = spark_con._session
        assert session.conf.get("spark.master") == "local[2]"
        assert session.conf.get("spark.sql.session.timeZone") == "UTC"
        assert session.sparkContext.uiWebUrl is None  # web UI off
        assert session.conf.get("spark.sql.execution.arrow.pyspark.enabled") == "true"
        # (the JVM's own -Duser.timezone=UTC applies only when this session started the JVM: PySpark keeps one
        # JVM per process, so a session started earlier by other code sets it; the session time zone is what
        # Spark SQL uses for dates, checked above and in test_load_orders_engine.py)

    def test_one_session_per_process(self, spark_con):
        assert wbspark.spark_session() is spark_con._session
        assert wbspark.spark_backend() is spark_con
        assert engine.connect("spark") is spark_con
        assert engine.connect(spark_con) is spark_con
        assert not engine.is_local(spark_con.sql("SELECT 1 AS x"))

    def test_a_frame_becomes_a_view_over_a_parquet_file(self, spark_con):
        import pandas as pd

        frame = pd.DataFrame({"order_id": ["a", "b", "c"], "revenue": [1.5, 2.25, 4.0],
                              "order_date": pd.to_datetime(["2024-01-31 23:30", "2024-02-01 00:00", "2024-02-29 12:00"])})
        view = wbspark.frame_view(spark_con, frame, "wb_test_frame_view")
        files = spark_con._session.table("wb_test_frame_view").inputFiles()
        assert len(files) == 1 and files[0].endswith("wb_test_frame_view.parquet")  # not a local relation
        assert view.schema() == ibis.memtable(frame).schema()  # the types the frame itself would have
        back = engine.to_pandas(view.order_by("order_id"))
        pd.testing.assert_frame_equal(back, frame, check_dtype=False)
        months = engine.to_pandas(view.group_by(m=view.order_date.month()).aggregate(r=view.revenue.sum()).order_by("m"))
        assert months.r.tolist() == [1.5, 6.25]  # the UTC session reads the wall-clock times unchanged
