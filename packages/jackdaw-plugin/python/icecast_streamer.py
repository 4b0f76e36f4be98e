"""Jackdaw voice plugin: live streaming through jdcast.

Installed into a Jackdaw checkout by `jdcast jackdaw install JACKDAW_DIR`. Python 3 standard
library only. All the logic is in jdcast (TypeScript); this file only forwards what was heard
to `jdcast jackdaw say` and speaks the answer by writing it to Jackdaw's response file.
"""

import json
import logging
import os
import subprocess
import threading

from plugin_base import VoiceAssistantPlugin

# The jdcast command line, written by `jdcast jackdaw install`; JDCAST_COMMAND (JSON list) in
# the environment or "jdcast_command" in the plugin config override it.
JDCAST_COMMAND = None

PHRASES = ["start streaming", "stop streaming", "stream status", "how many listeners", "now playing",
           "hand over to", "take over the stream"]
EXAMPLES = ["start streaming", "stream status", "how many listeners", "now playing Hoppipolla by Sigur Ros",
            "hand over to dj ben", "take over the stream", "stop streaming"]
# Starting, and handing over (which may start the incoming profile), wait for audio; nothing else takes long.
TIMEOUTS = {"start streaming": 30, "stop streaming": 15, "hand over to": 30, "take over the stream": 30}

logger = logging.getLogger("icecast_streamer")


class IcecastStreamerPlugin(VoiceAssistantPlugin):
    """Jackdaw constructs it with its config dict (plugins.icecast_streamer)."""

    def __init__(self, config):
        super().__init__(config)
        self.config = dict(config or {})
        self._threads = []

    def get_name(self):
        return "icecast_streamer"

    def get_description(self):
        return "Live streaming to Icecast through jdcast"

    def get_command_examples(self):
        return list(EXAMPLES)

    def get_commands(self):
        return {phrase: self._callback(phrase) for phrase in PHRASES}

    def initialize(self):
        return True

    def cleanup(self):
        """Stops the stream this plugin started (a jdcast up started by hand is left alone)."""
        command = self._command()
        if command is None:
            return
        try:
            # The config (password included) goes through stdin: never on a command line `ps` shows.
            subprocess.run(command + ["jackdaw", "cleanup", "--config", "-"], input=self._config_json(),
                           capture_output=True, text=True, timeout=15)
        except (OSError, subprocess.SubprocessError) as error:
            logger.error("jdcast cleanup failed: %s", error)

    def _callback(self, phrase):
        # Jackdaw calls callback(command_text), or callback() if that raises TypeError.
        def callback(command_text=None):
            heard = command_text if command_text and phrase in command_text.lower() else phrase
            thread = threading.Thread(target=self._run, args=(phrase, heard), daemon=True)
            thread.start()
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            return None
        return callback

    def _run(self, phrase, heard):
        """On its own thread: Jackdaw's recognition thread is never held up."""
        command = self._command()
        if command is None:
            self._speak("Streaming is not available: jdcast is not installed.")
            logger.error("jdcast not found: run `jdcast jackdaw install` again")
            return
        try:
            # --owner: a jdcast this starts stops when the voice client (this process) exits.
            result = subprocess.run(command + ["jackdaw", "say", heard, "--config", "-", "--owner", str(os.getpid())],
                                    input=self._config_json(),
                                    capture_output=True, text=True, timeout=TIMEOUTS.get(phrase, 10))
        except FileNotFoundError:
            self._speak("Streaming is not available: jdcast is not installed.")
            logger.error("jdcast not found at %s", command)
            return
        except subprocess.TimeoutExpired:
            self._speak("The stream is not answering.")
            logger.error("jdcast jackdaw say %r timed out", heard)
            return
        for line in result.stderr.splitlines():
            logger.warning("jdcast: %s", line)
        try:
            answer = json.loads(result.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            self._speak("Something went wrong with the stream.")
            logger.error("jdcast answered %r (exit %s)", result.stdout, result.returncode)
            return
        for detail in answer.get("details", []):
            logger.warning("jdcast: %s", detail)
        self._speak(answer.get("reply", ""))

    def _speak(self, text):
        """Jackdaw's TTS speaks what is written to its response file."""
        if not text:
            return
        try:
            with open(self._response_file(), "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            logger.error("cannot write the response file: %s", error)

    def _response_file(self):
        if self.config.get("response_file"):
            return self.config["response_file"]
        try:
            with open("voice_assistant_config.json", encoding="utf-8") as handle:
                return json.load(handle).get("files", {}).get("response_file", "llm_response.txt")
        except (OSError, ValueError):
            return "llm_response.txt"

    def _command(self):
        if os.environ.get("JDCAST_COMMAND"):
            return json.loads(os.environ["JDCAST_COMMAND"])
        if self.config.get("jdcast_command"):
            return list(self.config["jdcast_command"])
        return list(JDCAST_COMMAND) if JDCAST_COMMAND else None

    def _config_json(self):
        return json.dumps({k: v for k, v in self.config.items() if k not in ("jdcast_command", "response_file")})
